from celery import shared_task

from . import services
from .models import Email, Notification


@shared_task
def send_due_emails() -> int:
    """Asked for after each notice commits, and run by beat every minute as the sweep."""
    return services.due_emails_send()


@shared_task
def send_daily_digests() -> int:
    """Beat runs this once a day; each person with a digest gets one e-mail of what waited."""
    waiting = list(
        Notification.objects.filter(email=Email.DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for user_id in waiting:
        send_daily_digest.delay(user_id)
    return len(waiting)


@shared_task
def send_daily_digest(user_id: int) -> int:
    return services.daily_digest_send(user_id)
