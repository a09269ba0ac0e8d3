"""Running an uploaded roster (`RosterImport`) in the worker: the dry run, then the import.

The page shows how far a run is from the row's `stage`, `done` and `total`, written here while
the files are read. Saving happens in one transaction, whose writes no other connection sees
until it ends, so the page shows that stage as "saving" without a count.
"""

from __future__ import annotations

import datetime
import logging

from django.db import connection
from django.utils import timezone

from ..models import AuditEntry, RosterImport
from . import RosterError, import_roster
from .reading import ORGS, ROLES, USERS
from .summary import ImportReport

logger = logging.getLogger(__name__)

# The admin log keeps this many lines of a run's summary; the rest is counted.
LOG_LINES = 80
# The page lists this many row errors of a run.
SHOWN_BAD_ROWS = 500
FILE_ORDER = {ORGS: 0, USERS: 1, ROLES: 2}


class JobProgress:
    """Progress written to the import's row, once per stage and whole percent."""

    def __init__(self, pk: int) -> None:
        self.pk = pk
        self.last: tuple[str, int] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if connection.in_atomic_block:
            return  # nobody else would see it before the import ends
        percent = 100 if total <= 0 else done * 100 // total
        if self.last == (stage, percent):
            return
        self.last = (stage, percent)
        RosterImport.objects.filter(pk=self.pk).update(stage=stage, done=done, total=total)


def report_data(report: ImportReport) -> dict:
    counts = {kind: vars(counts) for kind, counts in report.counts.items()}
    return {
        "version": report.version,
        "delta": report.delta,
        "counts": counts,
        "deactivated": report.deactivated + report.left,
        "roles_read": report.roles_read,
        "roles_bad": report.roles_bad,
        "bad_total": len(report.bad_rows),
        "bad_rows": [
            {"file": bad.file, "line": bad.line, "reason": bad.reason}
            for bad in sorted(report.bad_rows, key=lambda bad: (FILE_ORDER[bad.file], bad.line))[
                :SHOWN_BAD_ROWS
            ]
        ],
        "notes": report.notes,
    }


def log_lines(lines: list[str]) -> str:
    if len(lines) <= LOG_LINES:
        return "\n".join(lines)
    return "\n".join([*lines[:LOG_LINES], f"… and {len(lines) - LOG_LINES} more lines"])


def roster_import_run(pk: int) -> str:
    """Run the dry run of a new upload, or the import of a checked one; the state it ends in.

    A task delivered twice finds the row no longer waiting and does nothing.
    """
    job = RosterImport.objects.select_related("district", "uploaded_by").get(pk=pk)
    if not job.running:
        return job.state
    dry_run = job.state == RosterImport.State.CHECKING
    claimed = RosterImport.objects.filter(pk=pk, state=job.state, stage="").update(stage="starting")
    if not claimed:
        return job.state
    report, error = None, ""
    try:
        report = import_roster(
            job.path, dry_run=dry_run, progress=JobProgress(pk), district=job.district
        )
        error = report.nobody_reason() or ""
    except RosterError as refused:
        error = str(refused)
    except Exception:
        logger.exception("Roster import %s stopped", pk)
        error = "the import stopped on an unexpected error; nothing was saved. Try again later."
    job.refresh_from_db()
    if report is not None:
        job.report = {**job.report, "check" if dry_run else "apply": report_data(report)}
    job.error = error
    if error:
        job.state = RosterImport.State.FAILED
    else:
        job.state = RosterImport.State.CHECKED if dry_run else RosterImport.State.APPLIED
    job.stage = ""
    job.finished_at = timezone.now()
    job.save()
    if not dry_run:
        lines = report.summary_lines() if report is not None else []
        if error:
            lines = [f"Not imported: {error}", *lines[1:]]
        AuditEntry.objects.create(
            district=job.district,
            actor=job.uploaded_by,
            actor_name=str(job.uploaded_by or job.get_source_display())[:200],
            action=AuditEntry.Action.ADD,
            object_type="roster import",
            object_id=str(job.pk),
            object_label=job.file_name[:200],
            changes=log_lines(lines),
        )
    return job.state


def waiting_imports(now: datetime.datetime | None = None) -> list[int]:
    """Uploads no worker has taken a minute after they were asked for (the broker was away)."""
    before = (now or timezone.now()) - datetime.timedelta(minutes=1)
    return list(
        RosterImport.objects.filter(
            state__in=[RosterImport.State.CHECKING, RosterImport.State.APPLYING],
            stage="",
            created_at__lt=before,
        ).values_list("pk", flat=True)
    )
