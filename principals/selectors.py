"""Reads of the check-ins app, each a few queries whatever the number of pairs."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import connections, router
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from districts.models import Role

from .models import ActionItem, AgendaItem, CheckIn, CheckInPair, Problem

PULSE_TREND = 5
SMALLEST_NAMED_GROUP = 4  # a theme's schools are named only when there are more than three


def pairs_overview(pairs):
    """Annotate pairs with last met, next meeting, missed meetings and open action items.

    Each figure is a subquery on the pair's own meetings, so a page of pairs costs the same
    however many years of meetings lie behind it, and counting the pairs stays a plain count.
    """
    now = timezone.now()
    meetings = CheckIn.objects.filter(pair=OuterRef("pk")).order_by()
    next_meeting = meetings.filter(status=CheckIn.Status.SCHEDULED, scheduled_at__gte=now).order_by(
        "scheduled_at", "pk"
    )
    last_held = meetings.filter(status=CheckIn.Status.HELD).order_by("-scheduled_at")
    missed = meetings.filter(status=CheckIn.Status.MISSED).values("pair").annotate(n=Count("pk"))
    open_actions = (
        ActionItem.objects.filter(pair=OuterRef("pk"), done_at__isnull=True)
        .order_by()
        .values("pair")
        .annotate(n=Count("pk"))
    )
    return pairs.annotate(
        last_met=Subquery(last_held.values("scheduled_at")[:1]),
        next_at=Subquery(next_meeting.values("scheduled_at")[:1]),
        next_id=Subquery(next_meeting.values("pk")[:1]),
        missed=Coalesce(Subquery(missed.values("n")), 0),
        open_actions=Coalesce(Subquery(open_actions.values("n")), 0),
    )


def pulse_trends(pair_ids) -> dict[int, list[int]]:
    """The last five pulses of each pair, oldest first, in one query.

    Written as SQL: for a page of fifty pairs the ORM spent four times as long building the
    window query as the database spent running it. Window functions work on PostgreSQL and
    on SQLite alike, and only integers come back.
    """
    pair_ids = [int(pk) for pk in pair_ids]
    if not pair_ids:
        return {}
    connection = connections[router.db_for_read(CheckIn)]
    table = connection.ops.quote_name(CheckIn._meta.db_table)
    placeholders = ", ".join(["%s"] * len(pair_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT pair_id, pulse, n FROM (
                SELECT pair_id, pulse, ROW_NUMBER() OVER (
                    PARTITION BY pair_id ORDER BY scheduled_at DESC, id DESC
                ) AS n
                FROM {table}
                WHERE pair_id IN ({placeholders}) AND pulse IS NOT NULL
            ) AS latest
            WHERE n <= %s
            ORDER BY pair_id, n DESC
            """,
            [*pair_ids, PULSE_TREND],
        )
        rows = cursor.fetchall()
    trends: dict[int, list[int]] = defaultdict(list)
    for pair_id, pulse, _n in rows:
        trends[pair_id].append(pulse)
    return dict(trends)


def agenda_for(check_in: CheckIn):
    """The meeting's agenda, each item with the start of the meeting it was added to."""
    return (
        AgendaItem.objects.for_check_in(check_in)
        .select_related("added_by")
        .annotate(meeting_at=F("check_in__scheduled_at"))
    )


def actions_for(check_in: CheckIn):
    """This meeting's action items and every one still open from an earlier meeting of the pair."""
    return (
        ActionItem.objects.filter(pair_id=check_in.pair_id)
        .filter(
            Q(check_in=check_in)
            | Q(check_in__scheduled_at__lt=check_in.scheduled_at, done_at__isnull=True)
        )
        .select_related("owner")
        .annotate(meeting_at=F("check_in__scheduled_at"))
        .order_by("done_at", "due_on", "pk")
    )


def next_check_in(user):
    """The user's next meeting, as either side of a pair, with both people's names."""
    meeting = (
        CheckIn.objects.visible_to(user)
        .filter(Q(pair__principal=user) | Q(pair__supervisor=user), pair__active=True)
        .upcoming()
        .select_related("pair__supervisor", "pair__principal")
        .order_by("scheduled_at")
        .first()
    )
    if meeting is not None:
        # visible_to finds meetings of the user's own district only, which came with the user.
        meeting.pair.district = user.district
    return meeting


def emerging_problems(district_id: int, *, days: int, today: datetime.date | None = None):
    """Themes of problems raised in the last `days` against the period before.

    A count rests on the principals who raised the problems: it is shown only when it rests
    on nobody or on at least `SMALLEST_NAMED_GROUP` of them, and a theme with neither count
    shown is left out, so nobody can read what a principal raised from a small group. Schools
    are named only for a theme raised at that many schools.
    """
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=days)
    before = start - datetime.timedelta(days=days)
    through = Problem.themes.through
    in_now = Q(problem__raised_on__gt=start, problem__raised_on__lte=today)
    in_before = Q(problem__raised_on__gt=before, problem__raised_on__lte=start)
    raised_by = "problem__check_in__pair__principal"
    rows = list(
        through.objects.filter(
            problem__district_id=district_id,
            problem__raised_on__gt=before,
            problem__raised_on__lte=today,
        )
        .values("theme_id", "theme__name")
        .annotate(
            now=Count("problem", filter=in_now),
            before=Count("problem", filter=in_before),
            people_now=Count(raised_by, filter=in_now, distinct=True),
            people_before=Count(raised_by, filter=in_before, distinct=True),
            schools=Count("problem__school", filter=in_now, distinct=True),
        )
        .order_by()
    )

    def shown(people: int) -> bool:
        return people == 0 or people >= SMALLEST_NAMED_GROUP

    rows = [
        row
        for row in rows
        if (row["now"] and shown(row["people_now"]))
        or (row["before"] and shown(row["people_before"]))
    ]
    named = [
        row["theme_id"]
        for row in rows
        if shown(row["people_now"]) and row["schools"] >= SMALLEST_NAMED_GROUP
    ]
    names: dict[int, list[str]] = defaultdict(list)
    if named:
        for theme_id, school_name in (
            through.objects.filter(theme_id__in=named)
            .filter(in_now)
            .values_list("theme_id", "problem__school__name")
            .distinct()
            .order_by("problem__school__name")
        ):
            names[theme_id].append(school_name)
    themes = []
    for row in rows:
        now = row["now"] if shown(row["people_now"]) else None
        earlier = row["before"] if shown(row["people_before"]) else None
        both = now is not None and earlier is not None
        themes.append(
            {
                "name": row["theme__name"],
                "now": now,
                "before": earlier,
                "change": now - earlier if both else 0,
                "rising": both and now > earlier,
                "schools": row["schools"] if now is not None else None,
                "school_names": names.get(row["theme_id"], []),
            }
        )
    themes.sort(key=lambda t: (-t["change"], -(t["now"] or 0), t["name"]))
    return themes


def _pair_count(user, **filters):
    return Coalesce(
        Subquery(
            CheckInPair.objects.filter(
                district_id=OuterRef("pk"), supervisor=user, active=True, **filters
            )
            .order_by()
            .values("district_id")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def home_annotations(user) -> dict:
    """A supervisor's pair counts as annotations on the district's own query."""
    if not user.is_authenticated or user.district_id is None or not user.is_district_leader:
        return {}
    return {
        "principals_total": _pair_count(user),
        "principals_overdue": _pair_count(user, overdue_since__isnull=False),
    }


def home_summary(user, district=None) -> dict:
    """What the district home shows: a principal's next check-in, a supervisor's principals.

    `district`, when given, carries `home_annotations(user)` and saves a query.
    """
    if not user.is_authenticated or user.district_id is None:
        return {}
    summary: dict = {}
    if user.role == Role.PRINCIPAL:
        summary["next"] = next_check_in(user)
    if user.is_district_leader:
        if hasattr(district, "principals_total"):
            counts = {"total": district.principals_total, "overdue": district.principals_overdue}
        else:
            pairs = CheckInPair.objects.filter(
                district_id=user.district_id, supervisor=user, active=True
            )
            counts = pairs.aggregate(
                total=Count("pk", distinct=True),
                overdue=Count("pk", filter=Q(overdue_since__isnull=False), distinct=True),
            )
        if counts["total"]:
            summary["principals"] = counts["total"]
            summary["overdue"] = counts["overdue"]
            summary["next"] = next_check_in(user)
    return summary
