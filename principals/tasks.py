from celery import shared_task

from . import reminders


@shared_task
def dispatch() -> dict:
    """Beat runs this every few minutes: create coming check-ins and send what is due."""
    return reminders.dispatch()
