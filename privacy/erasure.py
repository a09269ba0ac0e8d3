"""Erasure of a person who left: irreversible, logged, and no help to anyone looking for an
anonymous author.

The roster row stays (its id keeps decision history, counts and flags whole) but becomes
"A former <role>": name, e-mail, title, roster id, password, sign-ins and sessions go; what
only they read (private notes, notices, tokens, calendar feeds, invitations) is deleted; the
words of rounding conversations with them are redacted; the admin logs name them as the
former role. Anonymous input is not touched at all: removing or changing it would tell which
input was theirs.
"""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from districts.models import AuditEntry, Invitation, TeamMembership, User
from notifications.models import Notification, NotificationSettings
from principals.models import CalendarFeed, PrivateNote
from rounding.models import Celebration, Conversation, RoundingChange

from .retention import HISTORY_WORDS, NOTE_FIELDS


def former_label(person: User) -> str:
    # Stored once, in the district's record: the English words every page already shows.
    return f"A former {person.get_role_display().lower()}"


def may_erase(person: User) -> bool:
    return not person.is_active or person.left_roster_at is not None


def _sessions_end(person: User) -> int:
    ended = [
        session.pk
        for session in Session.objects.iterator(chunk_size=500)
        if session.get_decoded().get("_auth_user_id") == str(person.pk)
    ]
    return Session.objects.filter(pk__in=ended).delete()[0]


@transaction.atomic
def person_erase(*, person: User, by: User, actor_name: str = "") -> dict:
    """Erase a person who left; returns what was done, {what: count}."""
    if by is not None and person.pk == by.pk:
        raise ValidationError(_("You cannot erase yourself."))
    if not may_erase(person):
        raise ValidationError(
            _("Only a person who left can be erased: deactivate them first, then erase them.")
        )
    person = User.objects.select_for_update().get(pk=person.pk)
    old_name, old_email = person.name, person.email
    label = former_label(person)
    done = {}
    if old_email:
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=old_email).delete()
    done["sessions ended"] = _sessions_end(person)
    for model, field in (
        (EmailAddress, "user"),
        (SocialAccount, "user"),
        (Invitation, "user"),
        (ApiToken, "user"),
        (CalendarFeed, "user"),
        (NotificationSettings, "user"),
        (Notification, "recipient"),
        (PrivateNote, "author"),
    ):
        done[f"{model._meta.verbose_name_plural} deleted"] = model.objects.filter(
            **{field: person}
        ).delete()[0]
    conversations = Conversation.objects.filter(person=person)
    done["rounding conversations redacted"] = conversations.update(**dict.fromkeys(NOTE_FIELDS, ""))
    for change in RoundingChange.objects.filter(
        kind="conversation", object_id__in=conversations.values("pk")
    ):
        kept = {k: v for k, v in change.before.items() if k not in HISTORY_WORDS}
        RoundingChange.objects.filter(pk=change.pk).update(before=kept)
    names = [text for text in (old_name, old_email) if text]
    for celebration in Celebration.objects.filter(person=person):
        what = celebration.what
        for text in names:
            what = _replace(what, text, label)
        Celebration.objects.filter(pk=celebration.pk).update(what=what)
    TeamMembership.objects.filter(user=person, left_on__isnull=True).update(
        left_on=timezone.localdate()
    )
    # The logs keep what happened and drop who it was.
    AuditEntry.objects.filter(actor=person).update(actor_name=label)
    about = AuditEntry.objects.filter(object_type=User._meta.verbose_name, object_id=str(person.pk))
    for entry in about:
        changes = entry.changes
        for text in names:
            changes = _replace(changes, text, label)
        AuditEntry.objects.filter(pk=entry.pk).update(object_label=label, changes=changes)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(person.pk)
    ).update(object_repr=label, change_message="")
    person.name, person.email, person.title, person.sourced_id = label, None, "", ""
    person.is_active = person.is_staff = person.is_superuser = person.is_district_admin = False
    person.last_login = None
    person.set_unusable_password()
    person.save()
    done = {what: count for what, count in done.items() if count}
    AuditEntry.objects.create(
        district_id=person.district_id,
        actor=by,
        actor_name=(str(by) if by else actor_name)[:200],
        action=AuditEntry.Action.DELETE,
        object_type=User._meta.verbose_name,
        object_id=str(person.pk),
        object_label=label,
        changes="\n".join(["erased", *(f"{what}: {count}" for what, count in done.items())]),
    )
    return done


def _replace(text: str, old: str, new: str) -> str:
    """Every spelling of `old` in `text`, whatever its case."""
    return re.sub(re.escape(old), new, text, flags=re.IGNORECASE)
