from celery import shared_task

from . import services
from .models import EmailMode, Notification, NotificationSettings


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    return services.notification_email_send(notification_id)


@shared_task
def send_daily_digests() -> int:
    """Beat runs this once a day; each person with a digest gets one e-mail of what waited."""
    digest_users = NotificationSettings.objects.filter(email_mode=EmailMode.DAILY).values("user_id")
    waiting = list(
        Notification.objects.filter(recipient__in=digest_users, emailed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for user_id in waiting:
        send_daily_digest.delay(user_id)
    return len(waiting)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_daily_digest(user_id: int) -> int:
    return services.daily_digest_send(user_id)
