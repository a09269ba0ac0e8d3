from celery import shared_task

from . import notices, services


@shared_task
def dispatch_due() -> int:
    """Beat runs this every few minutes: close input windows on time and send what is due."""
    return sum(notices.dispatch_due().values())


@shared_task
def refresh_flags_for_rights(district_id: int, domains: list[str]) -> int:
    """After the rights map changes: refresh the flags of the decisions it concerns."""
    return services.flags_refresh_for_rights(district_id=district_id, domains=domains)
