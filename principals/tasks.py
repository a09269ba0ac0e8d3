from celery import shared_task

from . import services


@shared_task
def dispatch() -> dict:
    """Beat runs this every few minutes: create coming check-ins and send what is due."""
    return services.dispatch()


@shared_task(bind=True, max_retries=5)
def send_reminder_emails(self, reminder_ids: list[int]) -> int:
    sent, failed = services.reminder_emails_send(reminder_ids)
    if failed:
        # Only the refused ones are retried; their claims were released for this.
        raise self.retry(args=[failed], countdown=services.retry_seconds())
    return len(sent)
