"""The nightly drop: rostering services deliver roster zips to a folder per district.

Beat calls `roster_drops_import`. Each `.zip` at the top of a district's `roster_drop_folder`
is new: it is claimed by moving it into `processing/` (a rename, which only one run can do),
imported in name order, so that a night's deltas apply in the order they were written, and
moved on to `done/` or `failed/`, beside a `.txt` note of its result. A service that delivers
the same file name every night is imported every night. When one fails, the district's
administrators are told, and the district's later zips wait for the next run, since a delta
after a failed one would apply out of order.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import District, RosterImport, User
from districts.oneroster.jobs import roster_import_run
from notifications.services import notify

logger = logging.getLogger(__name__)

DONE, FAILED, PROCESSING = "done", "failed", "processing"


def waiting_zips(folder: Path) -> list[Path]:
    try:
        return sorted(
            (path for path in folder.iterdir() if path.is_file()),
            key=lambda path: path.name,
        )
    except OSError as error:
        logger.warning("Cannot read the roster drop folder %s: %s", folder, error)
        return []


def claim(district: District, path: Path) -> RosterImport | None:
    """The import of a dropped zip, moved out of the way of other runs; None when another run
    took it first."""
    folder = path.parent / PROCESSING
    folder.mkdir(exist_ok=True)
    # The time of the run keeps a name delivered again from replacing the earlier file.
    claimed = folder / f"{timezone.now():%Y%m%dT%H%M%S.%f}-{path.name}"
    try:
        path.rename(claimed)
    except FileNotFoundError:
        return None
    return RosterImport.objects.create(
        district=district,
        source=RosterImport.Source.DROP,
        file_name=path.name[:255],
        path=str(claimed),
        state=RosterImport.State.APPLYING,
    )


def keep(path: Path, outcome: str, job: RosterImport) -> Path:
    """Move the zip to done/ or failed/ with a note of its result; its new path."""
    folder = path.parent.parent / outcome
    folder.mkdir(exist_ok=True)
    kept = folder / path.name
    shutil.move(path, kept)
    result = job.result or {}
    users = (result.get("counts") or {}).get("users", {})
    lines = [
        f"{job.get_state_display()}: {job.file_name}",
        job.error,
        "people: {created} added, {updated} changed, {unchanged} unchanged, {bad} bad rows".format(
            **{key: users.get(key, 0) for key in ("created", "updated", "unchanged", "bad")}
        ),
        *(
            f"{bad['file']} line {bad['line']}: {bad['reason']}"
            for bad in result.get("bad_rows", [])
        ),
    ]
    kept.with_name(kept.name + ".txt").write_text("\n".join(line for line in lines if line) + "\n")
    return kept


def tell_administrators(job: RosterImport) -> None:
    administrators = User.objects.filter(
        district=job.district, is_district_admin=True, is_active=True
    )
    notify(
        recipients=administrators,
        kind="administration.roster_drop_failed",
        subject=_("The roster %(file)s from the drop folder was not imported")
        % {"file": job.file_name},
        body=job.error,
        url=reverse("administration:roster_import", args=[job.pk]),
        key=f"roster_import:{job.pk}",
    )


def roster_drops_import() -> int:
    """Import the new zips of every district's drop folder; how many were imported."""
    imported = 0
    for district in District.objects.exclude(roster_drop_folder="").order_by("pk"):
        folder = Path(district.roster_drop_folder)
        for path in waiting_zips(folder):
            if path.suffix.lower() != ".zip":
                continue
            job = claim(district, path)
            if job is None:
                continue
            roster_import_run(job.pk)
            job.refresh_from_db()
            ok = job.state == RosterImport.State.APPLIED
            kept = keep(Path(job.path), DONE if ok else FAILED, job)
            RosterImport.objects.filter(pk=job.pk).update(path=str(kept))
            if not ok:
                with transaction.atomic():
                    tell_administrators(job)
                break
            imported += 1
    return imported
