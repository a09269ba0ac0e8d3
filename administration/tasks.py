from celery import shared_task

from .roster_drops import roster_drops_import


@shared_task
def import_roster_drops() -> int:
    """Beat runs this: each district's new roster zips in its drop folder, imported once."""
    return roster_drops_import()
