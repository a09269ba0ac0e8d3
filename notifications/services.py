from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from districts.models import User

from .models import EmailMode, Notification, NotificationSettings


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
            subject=subject[:200],
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


def notification_email_send(notification_id: int) -> bool:
    """Send one notice by e-mail. Returns False when it was already claimed or has no address."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if not notification.recipient.email:
        return False
    body = render_to_string(
        "notifications/email.txt",
        {"notification": notification, "link": absolute(notification.url)},
    )
    try:
        EmailMessage(notification.subject, body, to=[notification.recipient.email]).send()
    except Exception:
        # Nothing went out: release the claim so the retry can send it.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


def daily_digest_send(user_id: int) -> int:
    """One e-mail with every notice not yet e-mailed to a person who asked for a daily digest."""
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=user_id, emailed_at__isnull=True)
            .order_by("created_at")
        )
        if not pending:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
    recipient = User.objects.get(pk=user_id)
    if not recipient.email:
        return 0
    body = render_to_string(
        "notifications/digest.txt",
        {"recipient": recipient, "items": [(n, absolute(n.url)) for n in pending]},
    )
    subject = f"Roundtable: {len(pending)} update{'s' if len(pending) != 1 else ''} for you"
    try:
        EmailMessage(subject, body, to=[recipient.email]).send()
    except Exception:
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=None)
        raise
    return len(pending)


def mark_read(*, user: User, notification: Notification | None = None) -> int:
    notices = Notification.objects.visible_to(user).unread()
    if notification is not None:
        notices = notices.filter(pk=notification.pk)
    return notices.update(read_at=timezone.now())
