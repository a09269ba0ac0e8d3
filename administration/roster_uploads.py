"""Roster uploads: the zip is kept, a row records the import, and the worker runs it.

The request only saves the file and the row; the dry run and the import run in the worker
(`districts.tasks.run_roster_import`), and the page follows the row.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from districts.models import District, RosterImport, User
from districts.tasks import ask_to_run_roster_import


def upload_folder(district: District) -> Path:
    return Path(settings.VAR_DIR) / "roster-uploads" / str(district.pk)


def roster_upload_save(*, district: District, by: User, upload: UploadedFile) -> RosterImport:
    """Keep the uploaded zip and queue its dry run."""
    folder = upload_folder(district)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.zip"
    with path.open("wb") as kept:
        for chunk in upload.chunks():
            kept.write(chunk)
    with transaction.atomic():
        job = RosterImport.objects.create(
            district=district, uploaded_by=by, file_name=Path(upload.name).name[:255], path=path
        )
        transaction.on_commit(lambda: ask_to_run_roster_import(job.pk))
    return job


def roster_import_apply(*, job: RosterImport, by: User) -> bool:
    """Queue the import of a checked upload; False when it is not waiting to be applied."""
    with transaction.atomic():
        started = RosterImport.objects.filter(pk=job.pk, state=RosterImport.State.CHECKED).update(
            state=RosterImport.State.APPLYING, stage="", done=0, total=0, uploaded_by=by
        )
        if started:
            transaction.on_commit(lambda: ask_to_run_roster_import(job.pk))
    return bool(started)
