"""A district at the scale of the largest, for measuring: built with bulk inserts, never row by row.

Every app's rows are written as they would be by its services, including what the apps keep
denormalised: decision numbers and their counters, integrity flag codes, sealed anonymous
keys, role groups of conversations and the schools' rounding coverage, `planned_through` and
`overdue_since` of check-in pairs.
On PostgreSQL the big tables go in with COPY; elsewhere with `bulk_create` (slowly).
"""

from __future__ import annotations

import random

from django.db import connection, transaction
from django.utils import timezone

from districts.models import District

from .base import (
    BENCH_DECISION_TITLE,
    DEFAULT_PASSWORD,
    DISTRICT_NAME,
    DISTRICT_SLUG,
    EMAILS,
    SMALL,
    SMALL_NAME,
    SMALL_SLUG,
    Built,
    Size,
    Writer,
)
from .decisions import DecisionsPart
from .districts import DistrictsPart
from .principals import PrincipalsPart
from .rounding import RoundingPart

__all__ = [
    "BENCH_DECISION_TITLE",
    "DEFAULT_PASSWORD",
    "DISTRICT_SLUG",
    "EMAILS",
    "SMALL",
    "SMALL_SLUG",
    "Builder",
    "Size",
    "analyze",
    "existing",
    "seed",
]


def existing(names=(DISTRICT_SLUG, SMALL_SLUG)) -> list[str]:
    return list(District.objects.filter(slug__in=names).values_list("name", flat=True))


def seed(
    size: Size,
    *,
    seed: int = 1,
    password: str = DEFAULT_PASSWORD,
    progress=None,
    small: Size | None = SMALL,
) -> dict:
    """Build the scale district and the small one next to it; return what the benchmark needs."""
    writer = Writer(progress)
    with transaction.atomic():
        big = Builder(
            writer, size, rng=random.Random(seed), name=DISTRICT_NAME, slug=DISTRICT_SLUG
        ).build(bench_password=password)
        if small is not None:
            Builder(
                writer,
                small,
                rng=random.Random(seed + 1),
                name=SMALL_NAME,
                slug=SMALL_SLUG,
                zone="America/New_York",
            ).build(bench_password=None)
        writer.finish()
    return big.bench


class Builder(DistrictsPart, DecisionsPart, RoundingPart, PrincipalsPart):
    def __init__(self, writer: Writer, size: Size, *, rng, name, slug, zone="America/Chicago"):
        self.w = writer
        self.size = size
        self.rng = rng
        self.name = name
        self.slug = slug
        self.zone = zone
        self.now = writer.now
        self.today = timezone.localdate(self.now)

    def tick(self, label, done, total):
        self.w.progress(f"{label}", done, total)

    def build(self, *, bench_password: str | None) -> Built:
        self.district = District.objects.create(name=self.name, slug=self.slug, timezone=self.zone)
        self.built = Built(self.district)
        self.bench_password = bench_password
        self.schools()
        self.people()
        self.teams()
        self.documents()
        self.decisions()
        self.rounding()
        self.check_ins()
        if bench_password:
            self.built.bench.update(
                district_id=self.district.pk,
                school_id=self.school_ids[0],
                emails=dict(EMAILS),
            )
        return self.built


def analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
