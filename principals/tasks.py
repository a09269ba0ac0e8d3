from celery import shared_task


@shared_task
def dispatch() -> int:
    """Beat runs this every few minutes: create coming check-ins and send what is due."""
    return 0
