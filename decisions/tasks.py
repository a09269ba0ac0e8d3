from celery import shared_task

from . import notices


@shared_task
def dispatch_due() -> int:
    """Beat runs this every few minutes: close input windows on time and send what is due."""
    return sum(notices.dispatch_due().values())
