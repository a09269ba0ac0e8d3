"""Time one reminder run of the check-ins dispatcher over 10,000 pairs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rt_bench .venv/bin/python bench/reminders.py

Use a scratch database: the script migrates it, adds a district with 10,000 principals, their
supervisors, pairs and a check-in 30 hours ahead for each (all in bulk), times one reminder run
(20,000 claims, inbox notices, e-mail tasks queued) and one full dispatch, then deletes the
district again. Prints seconds and query counts.
"""

import datetime
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from config.celery import app  # noqa: E402
from districts.models import District, Role, School, User  # noqa: E402
from notifications.models import Notification  # noqa: E402
from principals import reminders  # noqa: E402
from principals.models import CheckIn, CheckInPair  # noqa: E402

PAIRS = int(os.environ.get("BENCH_PAIRS", 10_000))


def build(now: datetime.datetime) -> District:
    tag = uuid.uuid4().hex[:8]
    district = District.objects.create(
        name="Bench", slug=f"bench-{tag}", timezone="America/Chicago"
    )
    schools = School.objects.bulk_create(
        School(district=district, name=f"School {i}") for i in range(PAIRS)
    )
    supervisors = User.objects.bulk_create(
        User(
            district=district,
            email=f"sup{i}-{tag}@bench.example",
            name=f"Supervisor {i}",
            role=Role.DISTRICT_LEADER,
            password="!",
        )
        for i in range(PAIRS // 24 + 1)
    )
    principals = User.objects.bulk_create(
        (
            User(
                district=district,
                email=f"p{i}-{tag}@bench.example",
                name=f"Principal {i}",
                role=Role.PRINCIPAL,
                password="!",
            )
            for i in range(PAIRS)
        ),
        batch_size=2000,
    )
    meeting = now + datetime.timedelta(hours=30)
    local = timezone.localtime(meeting, district_zone(district))
    pairs = CheckInPair.objects.bulk_create(
        (
            CheckInPair(
                district=district,
                supervisor=supervisors[i // 24],
                principal=principal,
                school=schools[i],
                weekday=local.weekday(),
                local_time=local.time().replace(second=0, microsecond=0),
                starts_on=local.date() - datetime.timedelta(days=14),
                planned_through=local.date() + datetime.timedelta(weeks=9),
                overdue_since=now,
            )
            for i, principal in enumerate(principals)
        ),
        batch_size=2000,
    )
    CheckIn.objects.bulk_create(
        (
            CheckIn(district=district, pair=pair, scheduled_at=meeting, cadence_on=local.date())
            for pair in pairs
        ),
        batch_size=2000,
    )
    return district


def district_zone(district):
    from zoneinfo import ZoneInfo

    return ZoneInfo(district.timezone)


def main() -> None:
    call_command("migrate", verbosity=0)
    now = timezone.now()
    started = time.perf_counter()
    district = build(now)
    print(f"set up {PAIRS} pairs with a check-in each in {time.perf_counter() - started:.1f} s")
    try:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            claimed = reminders.reminders_send(now=now)
            seconds = time.perf_counter() - started
        print(
            f"reminder run: {len(claimed)} reminders written to the outbox in {seconds:.2f} s, "
            f"{len(queries)} queries"
        )
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = reminders.dispatch(now=now)
            seconds = time.perf_counter() - started
        print(
            f"second full dispatch (nothing left to send): {result} in {seconds:.2f} s, {len(queries)} queries"
        )
        written = Notification.objects.filter(
            district=district, kind__startswith="principals.before"
        )
        assert written.count() == 2 * PAIRS
    finally:
        started = time.perf_counter()
        User.objects.filter(district=district).delete()
        district.delete()
        app.control.purge()
        print(f"cleaned up in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
