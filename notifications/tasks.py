import logging

from celery import shared_task
from django.utils import timezone

from . import digests, outbox

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
    """Beat runs this every hour; the people of each district whose digest hour has come get
    one e-mail of what waited."""
    waiting = digests.recipients_due(timezone.now())
    for user_id in waiting:
        send_daily_digest.delay(user_id)
    return len(waiting)


@shared_task
def send_daily_digest(user_id: int) -> int:
    return outbox.daily_digest_send(user_id)
