"""Inviting rostered people to choose a password, and accepting an invitation.

An invitation is a row (`districts.Invitation`) holding only the digest of its token; the
link with the token travels in the invitation's e-mail only. Its notice names the invitation
(`key`) and stores no link: the outbox derives the link when it writes the e-mail.
Sending again revokes the open invitation, so only the newest link works; accepting or
revoking ends it, and it ends by itself after `INVITATION_DAYS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from districts.audit import audit, entry_for
from districts.languages import language_of
from districts.models import INVITATION_DAYS, INVITATION_KIND, AuditEntry, Invitation, Role, User
from districts.oneroster import batches
from notifications.models import Notification
from notifications.services import Notice, notices_write

KIND = INVITATION_KIND


@dataclass
class Sent:
    invited: int = 0
    skipped: int = 0  # no e-mail, deactivated, or a student or family the district does not invite


def invitable(people: QuerySet, district) -> QuerySet:
    """Who of `people` may get an invitation: active, with an e-mail, and students and
    families only when the district invites them."""
    people = people.filter(is_active=True, email__isnull=False).exclude(email="")
    if not district.invite_students_and_families:
        people = people.exclude(role__in=[Role.STUDENT, Role.FAMILY])
    return people


def never_invited(people: QuerySet) -> QuerySet:
    """People who never had an invitation and never signed in."""
    return people.filter(last_login__isnull=True).exclude(
        Exists(Invitation.objects.filter(user=OuterRef("pk")))
    )


def _notice(person: User, invitation: Invitation) -> Notice:
    # In the invitee's language: the administrator's may not be theirs.
    with translation.override(language_of(person)):
        return Notice(
            recipient=person,
            kind=KIND,
            subject=_("You are invited to Roundtable at %(district)s")
            % {"district": person.district},
            body=_("Open the link below to choose your password. It works once, for %(days)d days.")
            % {"days": INVITATION_DAYS},
            key=invitation.notice_key,
        )


def invitations_send(*, people: list[User], by: User | None, request) -> Sent:
    """Invite each person who may be invited (sending again replaces an open invitation).

    Written in batches: inviting a whole district's staff is a few queries per thousand.
    """
    sent = Sent()
    now = timezone.now()
    invited = [person for person in people if person.may_be_invited]
    sent.skipped = len(people) - len(invited)
    with transaction.atomic():
        for batch in batches(invited):
            ids = [person.pk for person in batch]
            replaced = set(
                Invitation.objects.open(now)
                .filter(user_id__in=ids)
                .values_list("user_id", flat=True)
            )
            Invitation.objects.filter(
                user_id__in=ids, accepted_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=now)
            issued = [
                Invitation.issue(user=person, by=by, now=now, save=False)[0] for person in batch
            ]
            # The notices' keys need the new rows' ids (returned on PostgreSQL and SQLite).
            Invitation.objects.bulk_create(issued)
            AuditEntry.objects.bulk_create(
                entry_for(
                    request,
                    person,
                    AuditEntry.Action.CHANGE,
                    "Sent the invitation again"
                    if person.pk in replaced
                    else "Sent an invitation to sign in",
                )
                for person in batch
            )
            notices_write(
                [
                    _notice(person, invitation)
                    for person, invitation in zip(batch, issued, strict=True)
                ],
                now=now,
                email_always=True,
            )
            sent.invited += len(batch)
    return sent


def invitation_revoke(*, person: User, request) -> int:
    """End the person's open invitation; the number ended (0 when there was none)."""
    with transaction.atomic():
        ended = Invitation.objects.filter(
            user=person, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if ended:
            audit(request, person, AuditEntry.Action.CHANGE, "Revoked the invitation")
    return ended


def invitation_accept(*, invitation: Invitation, form) -> bool:
    """Set the password from `form` (a SetPasswordForm) and end the invitation, once.

    False when another request used the link first.
    """
    now = timezone.now()
    with transaction.atomic():
        used = Invitation.objects.open(now).filter(pk=invitation.pk).update(accepted_at=now)
        if not used:
            return False
        form.save()
        Notification.objects.filter(
            recipient=invitation.user, kind=KIND, read_at__isnull=True
        ).update(read_at=now)
    return True
