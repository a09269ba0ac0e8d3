"""The journey, month by month across two school years: the check-in pulse (the dip), and the
small wins beside it: what rounding hears is working against what gets in the way, follow-ups
done ("you said, we did"), and celebrations.

The district's figures are the same for every district leader: they count the whole district,
one query per source. A month's figure is shown only when it rests on at least
`SMALLEST_SHOWN_GROUP` people:
- the pulse: the principals of the held check-ins that gave one;
- rounding: the people met (a roster person once, a conversation with someone not in the roster
  as one person);
- follow-ups done: the people who own them;
- celebrations: the people celebrated (someone not in the roster as one person);
- who is heard: the people met on rounding, and the people who gave named input on a decision
  (anonymous input is never counted here: it counts toward its decision's total only).

A pair's own pulse is shown to the two people in it, month by month, with no such rule: it is
theirs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from decisions.models import Input
from principals.models import CheckIn
from rounding.models import Celebration, Conversation, FollowUp

from .themes import month_starts, next_month, shown

SCHOOL_YEAR_STARTS = 8  # August


def school_year_months(today: datetime.date) -> list[datetime.date]:
    """The first days of the months from the start of last school year to this month."""
    year = today.year if today.month >= SCHOOL_YEAR_STARTS else today.year - 1
    first = datetime.date(year - 1, SCHOOL_YEAR_STARTS, 1)
    count = (today.year - first.year) * 12 + today.month - first.month + 1
    return month_starts(today, count)


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def _month(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


@dataclass
class Month:
    start: datetime.date
    pulse: float | None = None
    working: int | None = None
    concerns: int | None = None
    done: int | None = None
    celebrations: int | None = None
    met: int | None = None  # people met on rounding
    gave_input: int | None = None  # people who gave named input on a decision


def district_journey(district_id: int, *, today: datetime.date) -> list[Month]:
    months = school_year_months(today)
    first, after = months[0], next_month(months[-1])
    rows = {m: Month(m) for m in months}

    for row in (
        CheckIn.objects.filter(
            district_id=district_id,
            status=CheckIn.Status.HELD,
            pulse__isnull=False,
            scheduled_at__gte=_moment(first),
            scheduled_at__lt=_moment(after),
        )
        .annotate(month=TruncMonth("scheduled_at"))
        .values("month")
        .annotate(average=Avg("pulse"), people=Count("pair__principal", distinct=True))
        .order_by()
    ):
        if shown(row["people"]) and _month(row["month"]) in rows:
            rows[_month(row["month"])].pulse = round(row["average"], 1)

    for row in (
        Conversation.objects.filter(
            district_id=district_id, visit__date__gte=first, visit__date__lt=after
        )
        .annotate(month=TruncMonth("visit__date"))
        .values("month")
        .annotate(
            working=Count("pk", filter=~Q(working="")),
            concerns=Count("pk", filter=~Q(concerns="")),
            known=Count("person", distinct=True),
            unknown=Count("pk", filter=Q(person__isnull=True)),
        )
        .order_by()
    ):
        if shown(row["known"] + row["unknown"]) and _month(row["month"]) in rows:
            month = rows[_month(row["month"])]
            month.working, month.concerns = row["working"], row["concerns"]
            month.met = row["known"] + row["unknown"]

    for row in (
        FollowUp.objects.filter(
            district_id=district_id,
            status=FollowUp.Status.GREEN,
            done_at__gte=_moment(first),
            done_at__lt=_moment(after),
        )
        .annotate(month=TruncMonth("done_at"))
        .values("month")
        .annotate(done=Count("pk"), people=Count("owner", distinct=True))
        .order_by()
    ):
        if shown(row["people"]) and _month(row["month"]) in rows:
            rows[_month(row["month"])].done = row["done"]

    for row in (
        Celebration.objects.filter(
            district_id=district_id, created_at__gte=_moment(first), created_at__lt=_moment(after)
        )
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            count=Count("pk"),
            known=Count("person", distinct=True),
            unknown=Count("pk", filter=Q(person__isnull=True)),
        )
        .order_by()
    ):
        if shown(row["known"] + row["unknown"]) and _month(row["month"]) in rows:
            rows[_month(row["month"])].celebrations = row["count"]

    # Who is heard: named input only; anonymous input is never counted by month or person.
    for row in (
        Input.objects.filter(
            district_id=district_id,
            author__isnull=False,
            is_anonymous=False,
            given_on__gte=first,
            given_on__lt=after,
        )
        .annotate(month=TruncMonth("given_on"))
        .values("month")
        .annotate(people=Count("author", distinct=True))
        .order_by()
    ):
        if shown(row["people"]) and _month(row["month"]) in rows:
            rows[_month(row["month"])].gave_input = row["people"]
    return list(rows.values())


def pair_pulse(pair, *, today: datetime.date) -> list[tuple[datetime.date, float | None]]:
    """A pair's own average pulse each month, for the two people in it."""
    months = school_year_months(today)
    averages = {
        _month(row["month"]): round(row["average"], 1)
        for row in CheckIn.objects.filter(
            district_id=pair.district_id,
            pair=pair,
            status=CheckIn.Status.HELD,
            pulse__isnull=False,
            scheduled_at__gte=_moment(months[0]),
        )
        .annotate(month=TruncMonth("scheduled_at"))
        .values("month")
        .annotate(average=Avg("pulse"))
        .order_by()
    }
    return [(month, averages.get(month)) for month in months]
