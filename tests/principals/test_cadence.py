import datetime

import pytest

from principals import cadence, services
from principals.models import CheckIn, CheckInPair, SchoolBreak

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def test_dates_fall_every_other_week_on_the_weekday():
    dates = cadence.cadence_dates(
        starts_on=datetime.date(2026, 1, 1),  # a Thursday
        weekday=1,
        interval_weeks=2,
        since=datetime.date(2026, 1, 1),
        until=datetime.date(2026, 2, 10),
    )
    assert dates == [
        datetime.date(2026, 1, 6),
        datetime.date(2026, 1, 20),
        datetime.date(2026, 2, 3),
    ]


def test_a_later_window_keeps_the_rhythm_of_the_start_date():
    dates = cadence.cadence_dates(
        starts_on=datetime.date(2026, 1, 6),
        weekday=1,
        interval_weeks=2,
        since=datetime.date(2026, 1, 7),
        until=datetime.date(2026, 2, 10),
    )
    assert dates == [datetime.date(2026, 1, 20), datetime.date(2026, 2, 3)]


def test_a_date_in_a_break_is_skipped_and_the_next_cadence_date_follows():
    dates = cadence.cadence_dates(
        starts_on=datetime.date(2026, 1, 6),
        weekday=1,
        interval_weeks=2,
        since=datetime.date(2026, 3, 1),
        until=datetime.date(2026, 4, 30),
        breaks=[(datetime.date(2026, 3, 14), datetime.date(2026, 3, 22))],
    )
    assert datetime.date(2026, 3, 17) not in dates
    assert dates == [
        datetime.date(2026, 3, 3),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 4, 14),
        datetime.date(2026, 4, 28),
    ]


def test_spring_forward_keeps_nine_oclock_and_moves_the_utc_instant():
    # America/Chicago springs forward on Sunday 2026-03-08.
    before = cadence.instant(datetime.date(2026, 3, 3), datetime.time(9), "America/Chicago")
    after = cadence.instant(datetime.date(2026, 3, 10), datetime.time(9), "America/Chicago")
    assert before == datetime.datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
    assert after == datetime.datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    assert after - before == datetime.timedelta(days=7, hours=-1)


def test_fall_back_keeps_nine_oclock_and_moves_the_utc_instant():
    # America/Chicago falls back on Sunday 2026-11-01.
    before = cadence.instant(datetime.date(2026, 10, 27), datetime.time(9), "America/Chicago")
    after = cadence.instant(datetime.date(2026, 11, 3), datetime.time(9), "America/Chicago")
    assert before == datetime.datetime(2026, 10, 27, 14, 0, tzinfo=UTC)
    assert after == datetime.datetime(2026, 11, 3, 15, 0, tzinfo=UTC)


def test_planned_occurrences_across_spring_forward_keep_the_local_time(pair):
    pair.weekday = 0  # Mondays: 2026-03-02 and 2026-03-09 straddle the change
    pair.interval_weeks = 1
    pair.starts_on = datetime.date(2026, 3, 2)
    pair.save()
    services.occurrences_plan(today=datetime.date(2026, 3, 1), weeks=2)
    meetings = list(CheckIn.objects.filter(pair=pair).order_by("scheduled_at"))
    assert [m.scheduled_at.hour for m in meetings] == [15, 14]
    assert {m.local_start().strftime("%H:%M") for m in meetings} == {"09:00"}


def test_planned_occurrences_across_fall_back_keep_the_local_time(pair):
    pair.weekday = 0
    pair.interval_weeks = 1
    pair.starts_on = datetime.date(2026, 10, 26)
    pair.save()
    services.occurrences_plan(today=datetime.date(2026, 10, 25), weeks=2)
    meetings = list(CheckIn.objects.filter(pair=pair).order_by("scheduled_at"))
    assert [m.scheduled_at.hour for m in meetings] == [14, 15]
    assert {m.local_start().strftime("%H:%M") for m in meetings} == {"09:00"}


def test_planning_covers_eight_weeks_and_a_second_run_adds_nothing(pair):
    assert services.occurrences_plan(today=datetime.date(2026, 1, 5)) == 4
    assert CheckIn.objects.filter(pair=pair).count() == 4
    assert services.occurrences_plan(today=datetime.date(2026, 1, 5)) == 0
    pair.planned_through = None
    pair.save()
    services.occurrences_plan(today=datetime.date(2026, 1, 5))
    assert CheckIn.objects.filter(pair=pair).count() == 4


def test_planning_skips_the_districts_breaks_only(pair, other_district):
    SchoolBreak.objects.create(
        district=pair.district,
        name="Winter break",
        starts_on=datetime.date(2026, 1, 19),
        ends_on=datetime.date(2026, 1, 23),
    )
    SchoolBreak.objects.create(
        district=other_district,
        name="Not ours",
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 2, 6),
    )
    services.occurrences_plan(today=datetime.date(2026, 1, 5), weeks=5)
    days = list(CheckIn.objects.filter(pair=pair).values_list("cadence_on", flat=True))
    assert days == [datetime.date(2026, 1, 6), datetime.date(2026, 2, 3)]


def test_a_new_break_removes_empty_planned_meetings_inside_it(pair, time_machine):
    time_machine.move_to(datetime.datetime(2026, 1, 5, tzinfo=UTC))
    services.occurrences_plan(today=datetime.date(2026, 1, 5))
    services.school_break_create(
        district=pair.district,
        name="Winter break",
        starts_on=datetime.date(2026, 1, 19),
        ends_on=datetime.date(2026, 1, 23),
    )
    assert not CheckIn.objects.filter(cadence_on=datetime.date(2026, 1, 20)).exists()


def test_inactive_pairs_get_no_meetings(pair):
    CheckInPair.objects.filter(pk=pair.pk).update(active=False)
    assert services.occurrences_plan(today=datetime.date(2026, 1, 5)) == 0
