from celery import shared_task


@shared_task
def dispatch_due() -> int:
    """Beat runs this every few minutes: close input windows on time and send what is due."""
    from .services import dispatch_due as dispatch

    return sum(dispatch().values())
