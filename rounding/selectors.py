"""Reads of rounding: the pages' aggregates, and what pages outside this app gather."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from districts.models import STAFF_ROLES, District, Role, School, Theme, User
from districts.web import counted_page

from .models import (
    RECOGNITION_ACK_HOURS,
    Celebration,
    Conversation,
    FollowUp,
    RoleGroup,
    RoundingVisit,
    SchoolCoverage,
    term_start,
)

NEW_STAFF_DAYS = 90


def open_follow_ups(*, school_ids: Iterable[int]) -> QuerySet[FollowUp]:
    """Follow-ups not yet green at these schools, soonest due first, with owner and school.

    The check-ins app calls this to suggest agenda items; keep the signature stable.
    """
    return (
        FollowUp.objects.filter(school_id__in=list(school_ids))
        .open()
        .select_related("owner", "school")
        .order_by("due_on", "pk")
    )


def home_annotations(user) -> dict:
    """The leaders' counts as annotations on the district's own query (see `leader_counts`)."""
    if not user.is_authenticated or user.district_id is None or not user.is_district_leader:
        return {}
    expressions = _leader_count_expressions(user.district)
    return {f"rounding_{name}": value for name, value in expressions.items()}


def home_summary(user, district=None) -> dict:
    """What the district home shows of rounding for this person: a few queries, any data size.

    `district`, when given, carries `home_annotations(user)` and saves a query.
    """
    if not user.is_authenticated or user.district_id is None:
        return {}
    mine = list(
        FollowUp.objects.visible_to(user)
        .open()
        .filter(owner=user)
        .select_related("school")
        .order_by("due_on", "pk")[:5]
    )
    summary = {"my_follow_ups": mine, "today": timezone.localdate()}
    if user.is_district_leader:
        summary["leader"] = True
        if hasattr(district, "rounding_overdue_schools"):
            summary["overdue_schools"] = district.rounding_overdue_schools
            summary["awaiting_acknowledgement"] = district.rounding_awaiting_acknowledgement
        else:
            summary.update(leader_counts(user))
    return summary


def _leader_count_expressions(district: District) -> dict:
    today = timezone.localdate()
    target = datetime.timedelta(days=district.coverage_target())
    cutoff = timezone.now() - datetime.timedelta(hours=RECOGNITION_ACK_HOURS)
    overdue = (
        School.objects.filter(district=OuterRef("pk"))
        .exclude(
            coverage__district=OuterRef("pk"),
            coverage__last_visit__gte=today - target,
        )
        .order_by()
        .values("district")
        .annotate(n=Count("pk"))
        .values("n")
    )
    waiting = (
        Celebration.objects.filter(
            district=OuterRef("pk"), acknowledged_on__isnull=True, created_at__lt=cutoff
        )
        .order_by()
        .values("district")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        "overdue_schools": Coalesce(Subquery(overdue), 0),
        "awaiting_acknowledgement": Coalesce(Subquery(waiting), 0),
    }


def leader_counts(user) -> dict:
    """Schools past the visit target and recognitions waiting, in one query for the home page."""
    counts = (
        District.objects.filter(pk=user.district_id)
        .annotate(**_leader_count_expressions(user.district))
        .values("overdue_schools", "awaiting_acknowledgement")
        .first()
    )
    return counts or {"overdue_schools": 0, "awaiting_acknowledgement": 0}


COVERAGE_PAGE_SIZE = 50


def overdue_schools(schools, district: District, today: datetime.date):
    """The schools without a visit within the district's target (never visited included)."""
    cutoff = today - datetime.timedelta(days=district.coverage_target())
    return schools.exclude(coverage__last_visit__gte=cutoff)


def coverage(
    user, *, today: datetime.date | None = None, page_number=None, overdue_only: bool = False
) -> dict:
    """Schools × role groups × days since we last talked, a page of schools at a time.

    The figures come from each school's `SchoolCoverage` row, read with the page of schools:
    no query goes through the district's visits and conversations but the visit pace.
    `overdue_only` keeps the schools past the visit target.
    """
    today = today or timezone.localdate()
    start = term_start(today)
    schools = School.objects.visible_to(user)
    if overdue_only:
        schools = overdue_schools(schools, user.district, today)
    page = counted_page(
        schools.select_related("coverage")
        .only("name", "coverage__last_visit", "coverage__last_met", "coverage__met_by_term")
        .order_by("name", "pk"),
        page_number,
        COVERAGE_PAGE_SIZE,
    )
    schools = list(page)
    summaries = {school.pk: getattr(school, "coverage", None) for school in schools}
    met = {
        pk: summary.met_by_term.get(start.isoformat(), 0)
        for pk, summary in summaries.items()
        if summary
    }
    # A visit dated ahead of today has not happened yet: count those few schools from the rows.
    ahead = [pk for pk, s in summaries.items() if s and s.last_visit and s.last_visit > today]
    if ahead:
        so_far = (
            Conversation.objects.filter(
                district_id=user.district_id,
                visit__school__in=ahead,
                visit__date__gte=start,
                visit__date__lte=today,
            )
            .values_list("visit__school")
            .annotate(
                roster=Count("person", distinct=True),
                unnamed=Count("pk", filter=Q(person__isnull=True)),
            )
            .order_by()
        )
        met.update(dict.fromkeys(ahead, 0))
        met.update({pk: roster + unnamed for pk, roster, unnamed in so_far})
    target = user.district.coverage_target()
    window = datetime.timedelta(days=target)
    # Bounded by date so the (district, -date) index reads only the two windows, and counting
    # dates rather than ids so that the index alone answers.
    # A visit where nobody was met does not count (as the coverage rows).
    held = Conversation.objects.filter(district_id=user.district_id, visit=OuterRef("pk"))
    pace = RoundingVisit.objects.filter(
        Exists(held), district_id=user.district_id, date__gt=today - 2 * window, date__lte=today
    ).aggregate(
        recent=Count("date", filter=Q(date__gt=today - window)),
        before=Count("date", filter=Q(date__lte=today - window)),
    )

    def days(date):
        # A visit saved with a future date (before dates were checked) is "today", never "-182 d".
        return max((today - date).days, 0) if date else None

    rows, group_values = [], RoleGroup.values
    group_targets = [user.district.coverage_target(group) for group in group_values]
    for school in schools:
        summary = summaries[school.pk] or SchoolCoverage(school=school)
        since = days(summary.last_visit)
        groups = [days(summary.last_met_on(group)) for group in group_values]
        rows.append(
            {
                "school": school,
                "days": since,
                "overdue": since is None or since > target,
                "groups": groups,
                "met": met.get(school.pk, 0),
            }
        )
    return {
        "rows": rows,
        "page": page,
        "groups": RoleGroup.choices,
        "group_targets": group_targets,
        "target": target,
        "term_start": start,
        "recent": pace["recent"],
        "before": pace["before"],
        "dropping": pace["recent"] < pace["before"],
        "today": today,
        "overdue_only": overdue_only,
    }


def theme_counts(*, district_id: int, school_ids=None, months: int = 6, today=None) -> dict:
    """Counts per theme per month across schools, in one aggregate query."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    month_list = []
    month = first
    while month <= today:
        month_list.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    tags = Conversation.themes.through.objects.filter(
        conversation__district_id=district_id, conversation__visit__date__gte=first
    )
    if school_ids is not None:
        tags = tags.filter(conversation__visit__school_id__in=school_ids)
    counts = {
        (row["theme_id"], row["month"]): row["n"]
        for row in tags.annotate(month=TruncMonth("conversation__visit__date"))
        .values("theme_id", "month")
        .annotate(n=Count("pk"))
    }
    themes = list(Theme.objects.filter(district_id=district_id).order_by("name"))
    # Newest month first: on a phone the recent months are the ones in view.
    month_list.reverse()
    rows = [
        {
            "theme": theme,
            "counts": [(m, counts.get((theme.pk, m), 0)) for m in month_list],
            "total": sum(counts.get((theme.pk, m), 0) for m in month_list),
        }
        for theme in themes
    ]
    return {"months": month_list, "rows": rows}


def briefing(user, school: School, *, today: datetime.date | None = None) -> dict:
    """Before a visit: whom we met and what they said last time, open loops, new faces."""
    today = today or timezone.localdate()
    recent = (
        Conversation.objects.visible_to(user)
        .filter(visit__school=school)
        .select_related("person", "visit")
        .prefetch_related("themes")
        .order_by("-visit__date", "-created_at", "-pk")[:300]
    )
    people, seen = [], set()
    for conversation in recent:
        key = (
            ("p", conversation.person_id)
            if conversation.person_id
            else ("n", conversation.name.casefold())
        )
        if key not in seen:
            seen.add(key)
            people.append(conversation)
    # As coverage: a visit counts once it has a conversation, and only once it has happened.
    last_visit = Conversation.objects.filter(
        district_id=school.district_id, visit__school=school, visit__date__lte=today
    ).aggregate(last=Max("visit__date"))["last"]
    ever_met = Conversation.objects.filter(person__isnull=False).values("person_id")
    new_staff = (
        User.objects.filter(district_id=school.district_id, schools=school, role__in=STAFF_ROLES)
        .exclude(role__in=[Role.SUPERINTENDENT, Role.DISTRICT_LEADER])
        .filter(
            Q(title__icontains="new teacher")
            | Q(date_joined__date__gte=today - datetime.timedelta(days=NEW_STAFF_DAYS))
        )
        .exclude(pk__in=ever_met)
        .order_by("name")
    )
    return {
        "people_met": people[:60],
        "follow_ups": open_follow_ups(school_ids=[school.pk]),
        "celebrations": Celebration.objects.visible_to(user)
        .filter(school=school)
        .select_related("person")[:5],
        "new_staff": new_staff,
        "last_visit": last_visit,
        "days_since": (today - last_visit).days if last_visit else None,
        "target": user.district.coverage_target(),
    }
