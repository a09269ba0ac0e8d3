"""When a pair meets: cadence dates in the district's calendar and their instants in UTC.

Reading of the issue: a cadence date that falls inside a school break is skipped, and the
pair's next meeting is simply the next cadence date outside the break (no extra meeting is
squeezed in, the rhythm of the series never shifts). Unresolved agenda items and open action
items carry forward to that meeting.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

Break = tuple[datetime.date, datetime.date]


def first_date(starts_on: datetime.date, weekday: int) -> datetime.date:
    """The first day on or after `starts_on` that falls on `weekday` (Monday is 0)."""
    return starts_on + datetime.timedelta(days=(weekday - starts_on.weekday()) % 7)


def series_dates(
    *,
    starts_on: datetime.date,
    weekday: int,
    interval_weeks: int,
    since: datetime.date,
    until: datetime.date,
) -> Iterator[datetime.date]:
    """Every cadence date in [since, until], breaks included."""
    if interval_weeks < 1:
        raise ValueError(f"A series meets every week at most, not every {interval_weeks} weeks.")
    first = first_date(starts_on, weekday)
    step = 7 * interval_weeks
    if since > first:
        # Jump straight to the first cadence date on or after `since`.
        first += datetime.timedelta(days=-(-(since - first).days // step) * step)
    day = first
    while day <= until:
        yield day
        day += datetime.timedelta(days=step)


def in_break(day: datetime.date, breaks: Iterable[Break]) -> bool:
    return any(start <= day <= end for start, end in breaks)


def cadence_dates(
    *,
    starts_on: datetime.date,
    weekday: int,
    interval_weeks: int,
    since: datetime.date,
    until: datetime.date,
    breaks: Iterable[Break] = (),
) -> list[datetime.date]:
    """The meeting dates in [since, until]: every `interval_weeks` weeks, breaks skipped."""
    breaks = list(breaks)
    return [
        day
        for day in series_dates(
            starts_on=starts_on,
            weekday=weekday,
            interval_weeks=interval_weeks,
            since=since,
            until=until,
        )
        if not in_break(day, breaks)
    ]


def instant(day: datetime.date, at: datetime.time, zone: str) -> datetime.datetime:
    """The UTC instant of a local wall-clock time in the zone, whatever the offset that day.

    A time that does not exist (inside a spring-forward gap) resolves with the offset before
    the change, as PEP 495 defines it, i.e. one hour later on the clock.
    """
    local = datetime.datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    return local.astimezone(datetime.UTC)
