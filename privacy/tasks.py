import shutil

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from districts.models import District

from .district_data import deletions_due, district_export, district_tables
from .models import DistrictExport
from .retention import retention_apply


@shared_task
def apply_retention() -> int:
    """Daily: each district's retention rules. Returns how many districts had something due."""
    return sum(bool(retention_apply(district=district)) for district in District.objects.all())


@shared_task
def delete_due_districts() -> int:
    """Daily: districts whose deletion's grace period is over are deleted."""
    return len(deletions_due())


def export_folder(export: DistrictExport):
    return settings.VAR_DIR / "exports" / f"district-{export.district_id}-{export.pk}"


@shared_task
def export_run(export_id: int) -> None:
    """Write one district export, saying how many tables are done as it goes."""
    export = DistrictExport.objects.select_related("district").filter(pk=export_id).first()
    if export is None or export.finished_at:
        return
    folder = export_folder(export)
    DistrictExport.objects.filter(pk=export.pk).update(tables_total=len(district_tables()) + 1)

    def progress(label, rows):
        DistrictExport.objects.filter(pk=export.pk).update(tables_done=F("tables_done") + 1)

    DistrictExport.objects.filter(pk=export.pk).update(tables_done=0)
    archive = district_export(district=export.district, folder=folder, progress=progress)
    shutil.rmtree(folder, ignore_errors=True)
    DistrictExport.objects.filter(pk=export.pk).update(
        archive=str(archive), finished_at=timezone.now()
    )
