"""What every part of the scale builder shares: the sizes, the sign-ins and the row writer."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from districts.models import (
    District,
)

DISTRICT_NAME = "Scale Unified School District"
DISTRICT_SLUG = "scale-unified"
SMALL_NAME = "Little Harbor District"
SMALL_SLUG = "scale-little-harbor"
DEFAULT_PASSWORD = "roundtable-scale"
BENCH_DECISION_TITLE = "Benchmark decision with 200 inputs"
BENCH_INPUTS = 200
BENCH_SUPERVISED = 24
YEARS_BACK = 730

EMAILS = {
    "teacher": "bench-teacher@scale.example",
    "superintendent": "bench-superintendent@scale.example",
    "principal": "bench-principal@scale.example",
    "supervisor": "bench-supervisor@scale.example",
}


@dataclass
class Size:
    schools: int = 1800
    people: int = 80_000
    teams: int = 2000
    decisions: int = 50_000
    inputs: int = 300_000
    visits: int = 100_000
    conversations: int = 400_000
    follow_ups: int = 60_000
    pairs: int = 1800

    def scaled(self, factor: float) -> Size:
        def times(value, least):
            return max(least, round(value * factor))

        return Size(
            schools=times(self.schools, 3),
            people=times(self.people, 150),
            teams=times(self.teams, 4),
            decisions=times(self.decisions, 20),
            inputs=times(self.inputs, BENCH_INPUTS + 40),
            visits=times(self.visits, 10),
            conversations=times(self.conversations, 30),
            follow_ups=times(self.follow_ups, 6),
            pairs=times(self.pairs, 3),
        )


SMALL = Size(
    schools=4,
    people=300,
    teams=6,
    decisions=100,
    inputs=500,
    visits=100,
    conversations=400,
    follow_ups=60,
    pairs=4,
)


class Writer:
    """Inserts tuples of field values: COPY on PostgreSQL, `bulk_create` elsewhere."""

    BATCH = 5000

    def __init__(self, progress=None):
        self.pg = connection.vendor == "postgresql"
        self.progress = progress or (lambda label, done, total: None)
        self.explicit_ids: set[type] = set()
        self.now = timezone.now()

    def ids(self, model, count: int) -> list[int]:
        start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.explicit_ids.add(model)
        return list(range(start, start + count))

    def json(self, value):
        return json.dumps(value) if self.pg else value

    def write(self, model, fields: list[str], rows: list[tuple], label: str = "") -> None:
        label = label or model._meta.model_name
        total = len(rows)
        if self.pg:
            self._copy(model, fields, rows, label)
        else:
            self._bulk(model, fields, rows, label)
        self.progress(label, total, total)

    def _copy(self, model, fields, rows, label):
        meta = model._meta
        given = set(fields)
        # Columns the caller left out get the field's default, as `save()` would give them.
        extra_fields, extra_values = [], []
        for f in meta.concrete_fields:
            if f.attname in given or f.name in given or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = self.now
            else:
                value = f.get_default()
            if isinstance(value, list | dict):
                value = json.dumps(value)
            extra_fields.append(f.attname)
            extra_values.append(value)
        columns = [meta.get_field(name).column for name in fields] + [
            meta.get_field(name).column for name in extra_fields
        ]
        tail = tuple(extra_values)
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({quoted}) FROM STDIN"
        raw = connection.connection
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for done, row in enumerate(rows, 1):
                copy.write_row(row + tail if tail else row)
                if done % 20000 == 0 and done < len(rows):
                    self.progress(label, done, len(rows))

    def _bulk(self, model, fields, rows, label):
        with _no_auto_now(model):
            for start in range(0, len(rows), self.BATCH):
                chunk = rows[start : start + self.BATCH]
                model.objects.bulk_create(
                    [model(**dict(zip(fields, row, strict=True))) for row in chunk],
                    batch_size=500,
                )
                self.progress(label, start + len(chunk), len(rows))

    def finish(self) -> None:
        """Move each sequence past the ids given by hand."""
        if not self.pg:
            return
        with connection.cursor() as cursor:
            for model in self.explicit_ids:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table)}))",
                    [table],
                )


@contextlib.contextmanager
def _no_auto_now(model):
    """Let `bulk_create` keep the given created/updated times instead of stamping now."""
    changed = []
    for f in model._meta.concrete_fields:
        for flag in ("auto_now", "auto_now_add"):
            if getattr(f, flag, False):
                setattr(f, flag, False)
                changed.append((f, flag))
    try:
        yield
    finally:
        for f, flag in changed:
            setattr(f, flag, True)


@dataclass
class Built:
    district: District
    school_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    bench: dict = field(default_factory=dict)
