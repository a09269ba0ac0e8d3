from celery import shared_task

from districts.models import District

from .district_data import deletions_due
from .retention import retention_apply


@shared_task
def apply_retention() -> int:
    """Daily: each district's retention rules. Returns how many districts had something due."""
    return sum(bool(retention_apply(district=district)) for district in District.objects.all())


@shared_task
def delete_due_districts() -> int:
    """Daily: districts whose deletion's grace period is over are deleted."""
    return len(deletions_due())
