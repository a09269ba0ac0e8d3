import datetime
import logging
import smtplib
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import dateformat, timezone

from districts.bounds import one_line
from districts.models import User

from .models import EmailMode, Notification, NotificationSettings

logger = logging.getLogger(__name__)

# How a person reads a time, on a page or in an e-mail: in their district's zone, named.
READ_FORMAT = "M j, Y H:i T"


def time_label(moment: datetime.datetime, zone: str) -> str:
    """A moment as people of a district read it, e.g. "Dec 15, 2026 16:00 CST"."""
    return dateformat.format(timezone.localtime(moment, ZoneInfo(zone)), READ_FORMAT)


@transaction.atomic
def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    subject: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Put a notice in each recipient's inbox and queue its e-mail once the transaction commits.

    Callers write the subject and body for everyone who receives them: never put the name of
    an anonymous author in either.
    """
    people = {person.pk: person for person in recipients if person.is_active}
    if not people:
        return []
    notifications = Notification.objects.bulk_create(
        Notification(
            district_id=person.district_id,
            recipient=person,
            kind=kind,
            # A subject becomes an e-mail header: a line break in it could never be sent.
            subject=one_line(subject)[:200],
            body=body,
            url=url,
        )
        for person in people.values()
    )
    no_single_email = set(
        NotificationSettings.objects.filter(user_id__in=people)
        .exclude(email_mode=EmailMode.EACH)
        .values_list("user_id", flat=True)
    )
    from .tasks import send_notification_email

    for notification in notifications:
        person = people[notification.recipient_id]
        if person.email and notification.recipient_id not in no_single_email:
            send_notification_email.delay_on_commit(notification.pk)
    return notifications


def absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def is_permanent(error: Exception) -> bool:
    """Whether sending again can never work: the server refused the message or the address
    for good (a 5xx answer), or the message could not even be written. A lost connection, a
    timeout or a busy server (4xx) may pass, so those are retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, OSError)


def failure_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


def emails_failed(notification_ids: Iterable[int], *, reason: str) -> int:
    """Record that these notices' e-mails will never go out, and why; nothing retries them."""
    now = timezone.now()
    ids = list(notification_ids)
    logger.warning("E-mail of notices %s failed for good: %s", ids, reason)
    Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now)
    return Notification.objects.filter(pk__in=ids).update(failed_at=now, failure=reason)


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
    """Send one notice by e-mail. Returns False when it was already claimed or has no address,
    or when it can never be sent (then the notice keeps the reason)."""
    claimed = Notification.objects.filter(
        pk=notification_id, emailed_at__isnull=True, failed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient", "district").get(
        pk=notification_id
    )
    if not notification.recipient.email:
        return False
    try:
        notification_email(notification).send()
    except Exception as error:
        if is_permanent(error):
            emails_failed([notification_id], reason=failure_text(error))
            return False
        # Nothing went out: release the claim so the retry can send it.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


def daily_digest_send(user_id: int) -> int:
    """One e-mail with every notice not yet e-mailed to a person who asked for a daily digest."""
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=user_id, emailed_at__isnull=True, failed_at__isnull=True)
            .order_by("created_at")
        )
        if not pending:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
    recipient = User.objects.select_related("district").get(pk=user_id)
    if not recipient.email:
        return 0
    ids = [n.pk for n in pending]
    try:
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
        if is_permanent(error):
            emails_failed(ids, reason=failure_text(error))
            return 0
        # Released: the retry, or tomorrow's digest, sends them.
        Notification.objects.filter(pk__in=ids).update(emailed_at=None)
        raise
    return len(pending)


def mark_read(*, user: User, notification: Notification | None = None) -> int:
    notices = Notification.objects.visible_to(user).unread()
    if notification is not None:
        notices = notices.filter(pk=notification.pk)
    return notices.update(read_at=timezone.now())
