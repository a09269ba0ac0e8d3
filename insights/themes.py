"""Themes across the three sources: rounding conversations, check-in problems, decision input.

Every figure on the themes page is added up from one kind of cell: one source, one theme, one
school, one month. Check-in problems are the exception: a school has one principal, so a school's
problems would always be a group of one; they are counted for the whole district, month by month
(a cell without a school), and never by school. The database counts each cell's items and the distinct people behind them
in the same query, one query per source. A cell that rests on three people or fewer is dropped
before anything else sees it (`SMALLEST_SHOWN_GROUP`), and every total, chart bar and alert is
a sum of the cells that remain. So no total can be subtracted from another to recover a hidden
cell: what a page adds up is only ever what the page could show.

The people behind a cell:
- a rounding conversation: the roster person met, each once; a conversation with someone not
  in the roster counts as one person;
- a check-in problem: the principal of the check-in pair who raised it;
- decision input: its named author. Anonymous input carries no person, so it is left out of
  these counts altogether (it counts toward its decision's total only).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from decisions.models import Decision, Input
from principals.models import Problem
from rounding.models import Conversation

# A figure resting on three people or fewer is never shown.
SMALLEST_SHOWN_GROUP = 4
# A theme is rising when it grew at this many schools at once.
RISING_SCHOOLS = 3

SOURCES = {
    "rounding": _("Rounding conversations"),
    "check_ins": _("Check-in problems"),
    "input": _("Decision input"),
}
# A decision for the whole district has no school: its input is kept in a row of its own.
DISTRICT_WIDE = 0


def shown(people: int) -> bool:
    return people >= SMALLEST_SHOWN_GROUP


def month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    """The first days of the last `months` calendar months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _i in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def shown_cells(
    district_id: int, decisions, *, start: datetime.date, end: datetime.date
) -> dict[tuple[str, int, int | None, datetime.date], int]:
    """(source, theme, school, month) → items, for the cells resting on four people or more.

    `decisions` are the decisions whose input may be counted (the reader's visible ones).
    Three queries, whatever the number of rows.
    """
    conversations = (
        Conversation.themes.through.objects.filter(
            conversation__district_id=district_id,
            conversation__visit__date__gte=start,
            conversation__visit__date__lt=end,
        )
        .values("theme_id")
        .annotate(
            school=F("conversation__visit__school_id"),
            month=TruncMonth("conversation__visit__date"),
        )
        .annotate(
            n=Count("pk"),
            named=Count("conversation__person", distinct=True),
            unnamed=Count("conversation", filter=Q(conversation__person__isnull=True)),
        )
        .values_list("theme_id", "school", "month", "n", "named", "unnamed")
        .order_by()
    )
    problems = (
        Problem.themes.through.objects.filter(
            problem__district_id=district_id,
            problem__raised_on__gte=start,
            problem__raised_on__lt=end,
        )
        .values("theme_id")
        .annotate(month=TruncMonth("problem__raised_on"))
        .annotate(n=Count("pk"), people=Count("problem__check_in__pair__principal", distinct=True))
        .values_list("theme_id", "month", "n", "people")
        .order_by()
    )
    inputs = (
        Input.themes.through.objects.filter(
            input__district_id=district_id,
            input__is_anonymous=False,
            input__author__isnull=False,
            input__given_on__gte=start,
            input__given_on__lt=end,
            input__decision__in=decisions.values("pk"),
        )
        .values("theme_id")
        .annotate(school=F("input__decision__school_id"), month=TruncMonth("input__given_on"))
        .annotate(n=Count("pk"), people=Count("input__author", distinct=True))
        .values_list("theme_id", "school", "month", "n", "people")
        .order_by()
    )
    cells: dict[tuple[str, int, int | None, datetime.date], int] = {}
    for theme_id, school, month, n, named, unnamed in conversations:
        if shown(named + unnamed):
            cells[("rounding", theme_id, school, _as_date(month))] = n
    for theme_id, month, n, people in problems:
        if shown(people):
            cells[("check_ins", theme_id, None, _as_date(month))] = n
    for theme_id, school, month, n, people in inputs:
        if shown(people):
            cells[("input", theme_id, school or DISTRICT_WIDE, _as_date(month))] = n
    return cells


@dataclass
class Row:
    """A table row: a label and one figure per column (None: nothing shown there)."""

    label: str
    values: list[int | None]
    key: int = 0

    @property
    def total(self) -> int | None:
        shown_values = [v for v in self.values if v]
        return sum(shown_values) if shown_values else None


@dataclass
class Rising:
    theme: str
    schools: int


@dataclass
class ThemeReport:
    months: list[datetime.date]
    themes: list  # Theme rows
    schools: list[tuple[int, str]]
    by_month: list[Row]
    by_school: list[Row]
    chart_theme: object | None
    chart_series: list[tuple[str, str, list[int | None]]] = field(default_factory=list)
    rising: list[Rising] = field(default_factory=list)
    compared: tuple[datetime.date, datetime.date] | None = None

    @property
    def has_figures(self) -> bool:
        return any(row.total for row in self.by_month)


def _sum(values) -> int | None:
    values = [v for v in values if v]
    return sum(values) if values else None


def theme_report(
    cells: dict,
    *,
    themes: list,
    schools: list[tuple[int, str]],
    months: list[datetime.date],
    sources: list[str],
    school_id: int | None = None,
    chart_theme=None,
) -> ThemeReport:
    """The page's tables, chart series and alerts, all added up from `cells` (shown cells only)."""
    # (theme, month) and (school, theme) for the chosen sources (and school), shown cells only.
    by_theme_month: dict[tuple[int, datetime.date], int] = defaultdict(int)
    by_school_theme: dict[tuple[int, int], int] = defaultdict(int)
    by_source_month: dict[tuple[str, int, datetime.date], int] = defaultdict(int)
    by_theme_school_month: dict[tuple[int, int, datetime.date], int] = defaultdict(int)
    for (source, theme_id, school, month), n in cells.items():
        if source not in sources:
            continue
        if school is not None:
            by_theme_school_month[theme_id, school, month] += n
            by_school_theme[school, theme_id] += n
        if school_id is not None and school != school_id:
            continue
        by_theme_month[theme_id, month] += n
        by_source_month[source, theme_id, month] += n

    by_month = [
        Row(theme.name, [by_theme_month.get((theme.pk, m)) for m in months], theme.pk)
        for theme in themes
    ]
    shown_schools = [(pk, name) for pk, name in schools if school_id is None or pk == school_id]
    by_school = [
        Row(name, [by_school_theme.get((pk, theme.pk)) for theme in themes], pk)
        for pk, name in shown_schools
    ]
    by_school = [row for row in by_school if row.total]

    series = []
    if chart_theme is not None:
        for source in sources:
            values = [by_source_month.get((source, chart_theme.pk, m)) for m in months]
            series.append((source, str(SOURCES[source]), values))

    rising, compared = [], None
    if len(months) >= 3:
        # The month under way is not over: compare the last full month with the one before.
        latest, before = months[-2], months[-3]
        compared = (before, latest)
        school_ids = [pk for pk, _name in schools if pk != DISTRICT_WIDE]
        for theme in themes:
            growing = sum(
                1
                for school in school_ids
                if by_theme_school_month.get((theme.pk, school, latest), 0)
                > by_theme_school_month.get((theme.pk, school, before), 0)
            )
            if growing >= RISING_SCHOOLS:
                rising.append(Rising(theme.name, growing))
    return ThemeReport(
        months=months,
        themes=themes,
        schools=shown_schools,
        by_month=by_month,
        by_school=by_school,
        chart_theme=chart_theme,
        chart_series=series,
        rising=rising,
        compared=compared,
    )


def visible_decisions(user):
    return Decision.objects.visible_to(user, whole_district=True)
