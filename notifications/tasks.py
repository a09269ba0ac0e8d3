from celery import shared_task

from . import services
from .models import EmailMode, Notification, NotificationSettings

EMAIL_RETRIES = 5


@shared_task(bind=True, max_retries=EMAIL_RETRIES)
def send_notification_email(self, notification_id: int) -> bool:
    try:
        return services.notification_email_send(notification_id)
    except OSError as error:
        # The mail server may come back: retry with a growing wait, then keep the reason.
        if self.request.retries >= EMAIL_RETRIES:
            services.emails_failed(
                [notification_id],
                reason=f"Gave up after {EMAIL_RETRIES + 1} attempts: "
                + services.failure_text(error),
            )
            return False
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error


@shared_task
def send_daily_digests() -> int:
    """Beat runs this once a day; each person with a digest gets one e-mail of what waited."""
    digest_users = NotificationSettings.objects.filter(email_mode=EmailMode.DAILY).values("user_id")
    waiting = list(
        Notification.objects.filter(
            recipient__in=digest_users, emailed_at__isnull=True, failed_at__isnull=True
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for user_id in waiting:
        send_daily_digest.delay(user_id)
    return len(waiting)


# A digest that could not go out today waits, unsent, for tomorrow's.
@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=EMAIL_RETRIES)
def send_daily_digest(user_id: int) -> int:
    return services.daily_digest_send(user_id)
