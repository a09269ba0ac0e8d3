"""A district's own data: the tables it owns, their export, and their deletion at contract end.

Every table that reaches `districts.District` through its foreign keys belongs to the district
whose id is at the end of that path (`district_tables`); nothing is chosen by hand, so a new
table is exported and deleted without anyone remembering to add it. Both walk a table a batch
at a time, so memory stays flat however large the district.
"""

from __future__ import annotations

import datetime
import json
import zipfile
from pathlib import Path

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.utils import timezone

from districts.models import District, User

from .models import DistrictDeletion, DistrictExport

BATCH = 2000
# Never exported: secrets that would let someone sign in or unseal, and what only its writer reads.
SECRET_WORDS = ("password", "token", "hash", "secret", "digest", "anonymous_key", "nonce")
WRITER_ONLY = {("principals", "privatenote"): {"text"}}
MAX_DEPTH = 4


def _lookup(model) -> str | None:
    """The ORM path from a row of `model` to its district's id, or None.

    The path through the fewest optional links wins: a revision belongs to its document's
    district, not to that of whoever recorded it.
    """
    best = None

    def walk(current, path, optional, seen):
        nonlocal best
        for field in current._meta.concrete_fields:
            if not field.is_relation or field.related_model in seen:
                continue
            cost = (optional + field.null, len(path) + 1)
            if best is not None and cost >= best[0]:
                continue
            if field.related_model is District:
                best = (cost, "__".join([*path, field.attname]))
            elif len(path) < MAX_DEPTH:
                walk(field.related_model, [*path, field.name], cost[0], (*seen, current))

    if model is District:
        return "pk"
    walk(model, [], 0, (model,))
    return best[1] if best else None


def district_tables() -> list[tuple[type[models.Model], str]]:
    """Every table a district owns with the path to its id, children before their parents."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model is District or model._meta.proxy or not model._meta.managed:
            continue
        if path := _lookup(model):
            found[model] = path
    order: list = []

    def visit(model, trail=()):
        if model in order or model in trail:
            return
        # A row goes before whatever points at it is deleted... so what points at it goes first.
        for other in found:
            if other is not model and any(
                f.is_relation and f.related_model is model for f in other._meta.concrete_fields
            ):
                visit(other, (*trail, model))
        order.append(model)

    for model in sorted(found, key=lambda m: m._meta.label):
        visit(model)
    return [(model, found[model]) for model in order]


def _rows(model, path: str, district_id: int):
    return models.QuerySet(model).filter(**{path: district_id})


def table_counts(district_id: int) -> dict[str, int]:
    return {
        model._meta.label: _rows(model, path, district_id).count()
        for model, path in district_tables()
    }


def _columns(model) -> list[str]:
    hidden = WRITER_ONLY.get((model._meta.app_label, model._meta.model_name), set())
    return [
        field.attname
        for field in model._meta.concrete_fields
        if field.attname not in hidden and not any(word in field.name for word in SECRET_WORDS)
    ]


def _schema(model) -> dict:
    columns = set(_columns(model))
    return {
        "table": model._meta.db_table,
        "columns": {
            field.attname: field.get_internal_type()
            for field in model._meta.concrete_fields
            if field.attname in columns
        },
    }


def district_export(*, district: District, folder: Path, progress=lambda label, rows: None) -> Path:
    """Write `folder`/<table>.jsonl per table, manifest.json, and `folder`.zip; returns the zip.

    Resumable: a table already written whole (in manifest.json) is not written again.
    """
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / "manifest.json"
    manifest = (
        json.loads(manifest_path.read_text())
        if manifest_path.exists()
        else {"district": {"id": district.pk, "name": district.name, "slug": district.slug}}
    )
    manifest.setdefault("tables", {})
    tables = [(District, "pk"), *reversed(district_tables())]
    for model, path in tables:
        label = model._meta.label
        if label in manifest["tables"]:
            continue
        columns = _columns(model)
        target = folder / f"{label}.jsonl"
        count = 0
        with target.open("w", encoding="utf-8") as out:
            rows = _rows(model, path, district.pk).order_by("pk").values_list(*columns)
            for row in rows.iterator(chunk_size=BATCH):
                out.write(
                    json.dumps(
                        dict(zip(columns, row, strict=True)), default=str, ensure_ascii=False
                    )
                )
                out.write("\n")
                count += 1
        manifest["tables"][label] = {"file": target.name, "rows": count, **_schema(model)}
        manifest_path.write_text(json.dumps(manifest, indent=2))
        progress(label, count)
    manifest["finished_at"] = timezone.now().isoformat()
    manifest_path.write_text(json.dumps(manifest, indent=2))
    archive = folder.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.write(manifest_path, "manifest.json")
        for entry in manifest["tables"].values():
            zipped.write(folder / entry["file"], entry["file"])
    return archive


def district_delete(*, district: District, by: str) -> DistrictDeletion:
    """Delete every row of the district, a batch at a time, and leave a deletion certificate."""
    people = list(User.objects.filter(district=district).values_list("pk", "email"))
    person_ids = {str(pk) for pk, _ in people}
    emails = [email for _, email in people if email]
    counts: dict[str, int] = {}
    exports_remove(DistrictExport.objects.filter(district=district))
    for model, path in district_tables():
        rows = _rows(model, path, district.pk)
        while pks := list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH]):
            with transaction.atomic():
                # Past any append-only guard: the contract's end deletes history too.
                rows_now = models.QuerySet(model).filter(pk__in=pks)
                _deleted, per_model = rows_now.delete()
            for label, count in per_model.items():
                counts[label] = counts.get(label, 0) + count
    ended = [
        session.pk
        for session in Session.objects.iterator(chunk_size=BATCH)
        if session.get_decoded().get("_auth_user_id") in person_ids
    ]
    counts["sessions.Session"] = Session.objects.filter(pk__in=ended).delete()[0]
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        for start in range(0, len(emails), BATCH):
            found = model.objects.filter(username__in=emails[start : start + BATCH]).delete()[0]
            counts[model._meta.label] = counts.get(model._meta.label, 0) + found
    with transaction.atomic():
        request = (
            DistrictDeletion.objects.select_for_update()
            .filter(district_id_kept=district.pk, cancelled_at=None, done_at=None)
            .first()
        )
        district_name, district_id = district.name, district.pk
        counts["districts.District"] = District.objects.filter(pk=district_id).delete()[0]
        now = timezone.now()
        if request is None:
            request = DistrictDeletion(
                district_id_kept=district_id,
                district_name=district_name,
                requested_by=by,
                requested_at=now,
                due_at=now,
            )
        request.done_at = now
        request.counts = {label: count for label, count in sorted(counts.items()) if count}
        request.save()
    return request


GRACE_DAYS = 30


def deletion_request(*, district: District, by: User | str, days: int = GRACE_DAYS):
    """Ask for the district's deletion after a grace period in which it can be cancelled."""
    now = timezone.now()
    return DistrictDeletion.objects.create(
        district_id_kept=district.pk,
        district_name=district.name,
        requested_by=str(by)[:200],
        requested_at=now,
        due_at=now + datetime.timedelta(days=days),
    )


def deletion_pending(district: District) -> DistrictDeletion | None:
    return DistrictDeletion.objects.filter(
        district_id_kept=district.pk, cancelled_at=None, done_at=None
    ).first()


def deletion_cancel(*, deletion: DistrictDeletion, by: User | str) -> None:
    deletion.cancelled_at = timezone.now()
    deletion.cancelled_by = str(by)[:200]
    deletion.save(update_fields=["cancelled_at", "cancelled_by"])


def deletions_due(now=None) -> list[DistrictDeletion]:
    """Delete the districts whose grace period is over; returns their certificates."""
    now = now or timezone.now()
    done = []
    for deletion in DistrictDeletion.objects.filter(
        cancelled_at=None, done_at=None, due_at__lte=now
    ):
        district = District.objects.filter(pk=deletion.district_id_kept).first()
        if district is None:
            continue
        done.append(district_delete(district=district, by=deletion.requested_by))
    return done


EXPORT_DAYS = 7


def exports_remove(exports) -> int:
    """Delete exports' files and rows."""
    count = 0
    for export in exports:
        if export.archive:
            Path(export.archive).unlink(missing_ok=True)
        export.delete()
        count += 1
    return count
