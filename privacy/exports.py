"""A district's export, asked for on the privacy page and made by the worker."""

from __future__ import annotations

from django.db import transaction

from districts.models import District, User

from .models import DistrictExport
from .tasks import export_run


def district_export_request(*, district: District, by: User) -> DistrictExport:
    export = DistrictExport.objects.create(district=district, requested_by=str(by)[:200])
    transaction.on_commit(lambda: export_run.delay(export.pk))
    return export


def latest_export(district: District) -> DistrictExport | None:
    return DistrictExport.objects.filter(district=district).first()
