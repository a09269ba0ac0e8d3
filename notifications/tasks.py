import logging

from celery import shared_task

from . import outbox
from .models import Email, Notification

logger = logging.getLogger(__name__)


@shared_task
def send_due_emails() -> int:
    """Asked for after each notice commits, and run by beat every minute as the sweep."""
    return outbox.due_emails_send()


def ask_for_sending() -> None:
    """Best effort: if the broker is away the sweep on the next beat tick sends them instead."""
    try:
        send_due_emails.delay()
    except Exception:
        logger.warning(
            "Could not reach the broker; e-mail waits for the next sweep.", exc_info=True
        )


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
    return outbox.daily_digest_send(user_id)
