"""The outbox every app notifies through.

A notice is a `Notification` row written in the caller's transaction, so it exists exactly when
the change that caused it does. Its e-mail is sent from that row by the worker: after commit a
best-effort message asks a worker to send what is due, and beat runs the same sweep every
minute, so a broker that is down, a lost message or a killed worker only delays e-mail.

Each e-mail is claimed (`email_after`, a lease), sent, then marked sent at once. A worker killed
between sending and marking leaves one message whose lease runs out and is sent again: the
only case of a double e-mail, and never more than one message per killed worker.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import dateformat, timezone

from districts.bounds import one_line
from districts.models import User

from .models import Email, EmailMode, Notification, NotificationSettings

logger = logging.getLogger(__name__)

# How a person reads a time, on a page or in an e-mail: in their district's zone, named.
READ_FORMAT = "M j, Y H:i T"
LEASE = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 8
BATCH = 2000


@dataclass(frozen=True)
class Notice:
    recipient: User
    kind: str
    subject: str
    body: str = ""
    url: str = ""
    key: str = ""  # the item, e.g. "decision:12": a person gets each kind once per item


def email_states(people: Iterable[User]) -> dict[int, str]:
    """How each person's notices are e-mailed, from their settings and whether they have an address."""
    people = {person.pk: person for person in people}
    modes = dict(
        NotificationSettings.objects.filter(user_id__in=people).values_list("user_id", "email_mode")
    )
    states = {}
    for pk, person in people.items():
        mode = modes.get(pk, EmailMode.EACH)
        if not person.email or mode == EmailMode.OFF:
            states[pk] = Email.NONE
        else:
            states[pk] = Email.DIGEST if mode == EmailMode.DAILY else Email.DUE
    return states


def _already_sent(notices: list[Notice]) -> set[tuple[int, str, str]]:
    keyed = [notice for notice in notices if notice.key]
    found = set()
    for start in range(0, len(keyed), BATCH):
        chunk = keyed[start : start + BATCH]
        found |= set(
            Notification.objects.filter(
                key__in={notice.key for notice in chunk},
                kind__in={notice.kind for notice in chunk},
                recipient_id__in={notice.recipient.pk for notice in chunk},
            ).values_list("recipient_id", "kind", "key")
        )
    return found


def notices_write(
    notices: Iterable[Notice], *, now: datetime.datetime | None = None
) -> list[Notification]:
    """Write the notices not written before and return them. E-mail follows the commit.

    Callers write the subject and body for everyone who receives them: never put the name of
    an anonymous author, or the text of notes and agendas, in either.
    """
    notices = [notice for notice in notices if notice.recipient.is_active]
    if not notices:
        return []
    done = _already_sent(notices)
    fresh, seen = [], set()
    for notice in notices:
        identity = (notice.recipient.pk, notice.kind, notice.key)
        if notice.key and (identity in done or identity in seen):
            continue
        seen.add(identity)
        fresh.append(notice)
    if not fresh:
        return []
    states = email_states(notice.recipient for notice in fresh)
    now = now or timezone.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                district_id=notice.recipient.district_id,
                recipient=notice.recipient,
                kind=notice.kind,
                key=notice.key,
                subject=one_line(notice.subject)[:200],
                body=notice.body,
                url=notice.url,
                created_at=now,
                email=states[notice.recipient.pk],
            )
            for notice in fresh
        ],
        batch_size=BATCH,
        # Two runs at once: the unique (recipient, kind, key) keeps the second run's copy out.
        ignore_conflicts=any(notice.key for notice in fresh),
    )
    if any(row.email == Email.DUE for row in rows):
        transaction.on_commit(ask_for_sending)
    return rows


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    subject: str,
    body: str = "",
    url: str = "",
    key: str = "",
) -> list[Notification]:
    """The same notice to several people; returns the notices written (none twice per `key`)."""
    people = {person.pk: person for person in recipients}.values()
    return notices_write(Notice(person, kind, subject, body, url, key) for person in people)


def ask_for_sending() -> None:
    """Best effort: if the broker is away the sweep on the next beat tick sends them instead."""
    from .tasks import send_due_emails

    try:
        send_due_emails.delay()
    except Exception:
        logger.warning(
            "Could not reach the broker; e-mail waits for the next sweep.", exc_info=True
        )


def time_label(moment: datetime.datetime, zone: str) -> str:
    """A moment as people of a district read it, e.g. "Dec 15, 2026 16:00 CST"."""
    return dateformat.format(timezone.localtime(moment, ZoneInfo(zone)), READ_FORMAT)


def absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


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
    # Rendered in the worker, where no zone is active: times read in the district's zone.
    with timezone.override(ZoneInfo(notification.district.timezone)):
        body = render_to_string(
            "notifications/email.txt",
            {
                "notification": notification,
                "link": absolute(notification.url),
                "read_format": READ_FORMAT,
            },
        )
    return EmailMessage(one_line(notification.subject), body, to=[notification.recipient.email])


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
        with timezone.override(ZoneInfo(zone)):
            body = render_to_string(
                "notifications/digest.txt",
                {
                    "recipient": recipient,
                    "items": [(n, absolute(n.url)) for n in pending],
                    "read_format": READ_FORMAT,
                },
            )
        subject = f"Roundtable: {len(pending)} update{'s' if len(pending) != 1 else ''} for you"
        EmailMessage(subject, body, to=[recipient.email]).send()
    except Exception as error:
        _record_failure(pks, attempts, error)
        return 0
    Notification.objects.filter(pk__in=pks).update(
        email=Email.SENT, emailed_at=timezone.now(), email_after=None, email_failure=""
    )
    return len(pending)


def mark_read(*, user: User, notification: Notification | None = None) -> int:
    notices = Notification.objects.visible_to(user).unread()
    if notification is not None:
        notices = notices.filter(pk=notification.pk)
    return notices.update(read_at=timezone.now())
