from celery import shared_task

from districts.models import District

from .retention import retention_apply


@shared_task
def apply_retention() -> int:
    """Daily: each district's retention rules. Returns how many districts had something due."""
    return sum(bool(retention_apply(district=district)) for district in District.objects.all())
