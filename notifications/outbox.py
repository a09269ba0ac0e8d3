"""Sending the outbox's e-mail: the worker's side of `notifications.services`.

Each e-mail is claimed (`email_after`, a lease), sent, then marked sent at once. A worker killed
between sending and marking leaves one message whose lease runs out and is sent again: the
only case of a double e-mail, and never more than one message per killed worker.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.formats import get_format
from django.utils.translation import ngettext

from districts.bounds import one_line
from districts.languages import language_of
from districts.models import INVITATION_KIND, Invitation, User

from .models import Email, Notification

logger = logging.getLogger(__name__)


def read_format() -> str:
    """How a person reads a time, on a page or in an e-mail: in the active language's style
    (config/formats/), in their district's zone, named: "Dec 15, 2026 16:00 CST"."""
    return f"{get_format('DATETIME_FORMAT')} T"


LEASE = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 8
BATCH = 2000


def absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def message_id(kind: str, pks: list[int]) -> str:
    """The same for every send of the same notices, so the one copy a killed worker resends
    is the same message (mail systems that collapse duplicates show it once). Keyed with the
    secret key, so two installations never make the same one."""
    key = f"{kind}:{','.join(map(str, sorted(pks)))}"
    digest = salted_hmac("notifications.outbox.message_id", key, algorithm="sha256")
    digest = digest.hexdigest()[:20]
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{kind}-{min(pks)}.{digest}@{domain}>"


def link(notification: Notification) -> str:
    """The address an e-mail links to. An invitation's notice stores no link (its token is a
    password): the link is derived now, the same on every copy, while the invitation is open."""
    if notification.kind == INVITATION_KIND:
        invitation = Invitation.for_notice(notification.key, notification.recipient_id)
        path = invitation.link() if invitation else None
        if path is None:
            raise ValueError("the invitation ended (or SECRET_KEY changed) before it was sent")
        return absolute(path)
    return absolute(notification.url)


def _due(now: datetime.datetime) -> Q:
    return Q(email_after__isnull=True) | Q(email_after__lte=now)


def is_permanent(error: Exception) -> bool:
    """Whether sending again can never work: the server refused the message or the address
    for good (a 5xx answer), or the message could not even be written. A lost connection, a
    timeout or a busy server (4xx) may pass, so those are retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, OSError)


def _record_failure(pks: list[int], attempts: int, error: Exception) -> None:
    reason = one_line(f"{type(error).__name__}: {error}")
    if not is_permanent(error) and attempts >= MAX_ATTEMPTS:
        reason = f"Gave up after {attempts} attempts: {reason}"
    reason = reason[:300]
    if is_permanent(error) or attempts >= MAX_ATTEMPTS:
        logger.error("E-mail %s failed for good: %s", pks, reason)
        Notification.objects.filter(pk__in=pks).update(
            email=Email.FAILED, email_failure=reason, email_after=None
        )
    else:
        wait = datetime.timedelta(minutes=min(2**attempts, 360))
        logger.warning("E-mail %s failed, retrying in %s: %s", pks, wait, reason)
        Notification.objects.filter(pk__in=pks).update(
            email_failure=reason, email_after=timezone.now() + wait
        )


def notification_email(notification: Notification) -> EmailMessage:
    # Rendered in the worker, where no zone or language is active: times read in the
    # district's zone, words in the recipient's language (not the sender's).
    with (
        timezone.override(ZoneInfo(notification.district.timezone)),
        translation.override(language_of(notification.recipient)),
    ):
        body = render_to_string(
            "notifications/email.txt",
            {
                "notification": notification,
                "link": link(notification),
                "read_format": read_format(),
            },
        )
    return EmailMessage(
        one_line(notification.subject),
        body,
        to=[notification.recipient.email],
        headers={"Message-ID": message_id("notice", [notification.pk])},
    )


def notification_email_send(notification_id: int) -> bool:
    """Claim one due e-mail, send it, mark it sent. False when another sender holds it."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, email=Email.DUE)
        .filter(_due(now))
        .update(email_after=now + LEASE, email_attempts=F("email_attempts") + 1)
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient", "district").get(
        pk=notification_id
    )
    try:
        if not notification.recipient.email:
            raise ValueError("the person has no e-mail address")
        notification_email(notification).send()
    except Exception as error:
        _record_failure([notification.pk], notification.email_attempts, error)
        return False
    Notification.objects.filter(pk=notification_id).update(
        email=Email.SENT, emailed_at=timezone.now(), email_after=None, email_failure=""
    )
    return True


def due_emails_send() -> int:
    """Send every e-mail that is due, one at a time; several senders share the work."""
    sent = 0
    while True:
        due = list(
            Notification.objects.filter(email=Email.DUE)
            .filter(_due(timezone.now()))
            .order_by("created_at")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not due:
            return sent
        sent += sum(notification_email_send(pk) for pk in due)


def oldest_due_email_age() -> datetime.timedelta | None:
    """How long the oldest e-mail that should have gone out has waited (None when none waits)."""
    oldest = (
        Notification.objects.filter(email=Email.DUE)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return timezone.now() - oldest if oldest else None


def daily_digest_send(user_id: int) -> int:
    """One e-mail with every notice waiting for a person who asked for a daily digest."""
    now = timezone.now()
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=user_id, email=Email.DIGEST)
            .filter(_due(now))
            .order_by("created_at")
        )
        if not pending:
            return 0
        pks = [n.pk for n in pending]
        Notification.objects.filter(pk__in=pks).update(
            email_after=now + LEASE, email_attempts=F("email_attempts") + 1
        )
    recipient = User.objects.select_related("district").get(pk=user_id)
    attempts = max(n.email_attempts for n in pending) + 1
    try:
        if not recipient.email:
            raise ValueError("the person has no e-mail address")
        zone = recipient.district.timezone if recipient.district else settings.TIME_ZONE
        with timezone.override(ZoneInfo(zone)), translation.override(language_of(recipient)):
            body = render_to_string(
                "notifications/digest.txt",
                {
                    "recipient": recipient,
                    "items": [(n, link(n)) for n in pending],
                    "read_format": read_format(),
                },
            )
            subject = ngettext(
                "Roundtable: %(count)d update for you",
                "Roundtable: %(count)d updates for you",
                len(pending),
            ) % {"count": len(pending)}
        EmailMessage(
            subject, body, to=[recipient.email], headers={"Message-ID": message_id("digest", pks)}
        ).send()
    except Exception as error:
        _record_failure(pks, attempts, error)
        return 0
    Notification.objects.filter(pk__in=pks).update(
        email=Email.SENT, emailed_at=timezone.now(), email_after=None, email_failure=""
    )
    return len(pending)
