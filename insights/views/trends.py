"""The trends pages: themes across sources, participation equity and decision health.

Who sees them: district leaders, for the whole district. Principals and everyone else get a
404, as for every page across schools (`require_district_leader`): a principal's own school
would be a group small enough to read people from, and one rule is easier to keep than two.
The journey page is the one exception: the two people of a check-in pair also find it, and see
their own pair's pulse there (and nothing of the district's).
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from decisions.models import Decision
from districts.bounds import Bounded, query_id
from districts.models import School, Theme
from districts.web import HtmxHttpRequest, csv_response, render_page, require_district_leader
from principals.models import CheckInPair

from .. import bottlenecks, equity, flow, health, journey
from .. import services as insight_services
from .. import themes as theme_figures
from ..charts import bar_chart, line_chart
from ..models import Milestone

PERIODS = [
    (3, gettext_lazy("3 months")),
    (6, gettext_lazy("6 months")),
    (12, gettext_lazy("12 months")),
]
DEFAULT_MONTHS = 6


# The figures resolve every consulted group of a term's decisions to people: in a district of
# 80,000 people and 50,000 decisions that takes the database a second or more. They are trends,
# so each reader's figures are kept for a few minutes (the page says so) instead of being
# counted again on every view.
FIGURES_KEPT_SECONDS = 600


def counted_recently(request: HtmxHttpRequest, key: tuple, count):
    """`count()`, or what it gave this reader in the last `FIGURES_KEPT_SECONDS`."""
    user = request.user
    name = ":".join(str(part) for part in ("insights", user.district_id, user.pk, *key))
    return cache.get_or_set(name, count, FIGURES_KEPT_SECONDS)


def _with_default_period(data):
    """The filters as given, with the default period when none is: the form shows it chosen."""
    data = data.copy() if data is not None else QueryDict(mutable=True)
    data.setdefault("months", str(DEFAULT_MONTHS))
    return data


class ThemeFilters(Bounded, forms.Form):
    months = forms.TypedChoiceField(
        label=gettext_lazy("Period"), choices=PERIODS, coerce=int, required=False
    )
    source = forms.ChoiceField(label=gettext_lazy("Source"), required=False)
    school = forms.TypedChoiceField(label=gettext_lazy("School"), coerce=int, required=False)
    theme = forms.TypedChoiceField(
        label=gettext_lazy("Theme in the chart"), coerce=int, required=False
    )

    def __init__(self, data, *, schools, themes):
        super().__init__(_with_default_period(data), auto_id="filter_%s")
        self.fields["source"].choices = [
            ("", _("All three sources")),
            *theme_figures.SOURCES.items(),
        ]
        self.fields["school"].choices = [("", _("All schools")), *schools]
        self.fields["theme"].choices = [
            ("", _("The most frequent")),
            *[(t.pk, t.name) for t in themes],
        ]

    def value(self, name, default=None):
        """A filter's value; a value that is not one of the choices counts as not given."""
        if not self.is_bound:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name) if name not in self.errors else None
        return default if value in (None, "") else value


def _month_label(month) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


@login_required
def themes_page(request: HtmxHttpRequest) -> HttpResponse:
    require_district_leader(request)
    district_id = request.user.district_id
    themes = list(Theme.objects.filter(district_id=district_id).order_by("name", "pk"))
    schools = list(
        School.objects.filter(district_id=district_id)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    form = ThemeFilters(request.GET or None, schools=schools, themes=themes)
    months = theme_figures.month_starts(timezone.localdate(), form.value("months", DEFAULT_MONTHS))
    source = form.value("source", "")
    sources = [source] if source else list(theme_figures.SOURCES)
    school_id = form.value("school")
    cells = counted_recently(
        request,
        ("themes", months[0]),
        lambda: theme_figures.shown_cells(
            district_id,
            theme_figures.visible_decisions(request.user),
            start=months[0],
            end=theme_figures.next_month(months[-1]),
        ),
    )
    chart_theme_id = form.value("theme")
    table_schools = list(schools)
    if "input" in sources and school_id is None:
        table_schools.append((theme_figures.DISTRICT_WIDE, _("Decisions for the whole district")))
    report = theme_figures.theme_report(
        cells,
        themes=themes,
        schools=table_schools,
        months=months,
        sources=sources,
        school_id=school_id,
    )
    # The chart shows the chosen theme, or the one with the most shown items.
    chart_theme = next((t for t in themes if t.pk == chart_theme_id), None)
    if chart_theme is None:
        ranked = sorted(report.by_month, key=lambda row: -(row.total or 0))
        if ranked and ranked[0].total:
            chart_theme = next(t for t in themes if t.pk == ranked[0].key)
    if chart_theme is not None:
        report = theme_figures.theme_report(
            cells,
            themes=themes,
            schools=table_schools,
            months=months,
            sources=sources,
            school_id=school_id,
            chart_theme=chart_theme,
        )
    labels = [_month_label(m) for m in months]

    export = request.GET.get("export", "")
    if export == "months":
        return csv_response(
            "themes-by-month.csv",
            [_("Theme"), *labels, _("Total")],
            ([row.label, *row.values, row.total] for row in report.by_month),
        )
    if export == "schools":
        return csv_response(
            "themes-by-school.csv",
            [_("School"), *[t.name for t in themes], _("Total")],
            ([row.label, *row.values, row.total] for row in report.by_school),
        )
    if export == "chart" and chart_theme is not None:
        return csv_response(
            "theme-by-source.csv",
            [_("Source"), *labels],
            ([label, *values] for _key, label, values in report.chart_series),
        )

    chart = None
    if chart_theme is not None:
        chart = bar_chart(
            chart_id="theme-chart",
            title=_("%(theme)s: items each month, by source") % {"theme": chart_theme.name},
            description=_summary(chart_theme.name, labels, report.chart_series),
            categories=labels,
            series=[(label, values) for _key, label, values in report.chart_series],
        )
    return render_page(
        request,
        "insights/themes.html",
        {
            "form": form,
            "report": report,
            # The schools with the most tagged items; the CSV has every school.
            "school_rows": sorted(report.by_school, key=lambda row: (-row.total, row.label))[
                : equity.ROWS_SHOWN
            ],
            "rows_shown": equity.ROWS_SHOWN,
            "month_labels": labels,
            "chart": chart,
            "chart_rows": [(label, values) for _key, label, values in report.chart_series],
            "smallest": theme_figures.SMALLEST_SHOWN_GROUP,
            "query": _query_without(request, "export"),
            "has_themes": bool(themes),
        },
    )


def _summary(theme: str, labels: list[str], series) -> str:
    parts = []
    for _key, label, values in series:
        shown = [f"{month} {value}" for month, value in zip(labels, values, strict=True) if value]
        parts.append(
            f"{label}: {', '.join(shown)}"
            if shown
            else _("%(source)s: nothing shown") % {"source": label}
        )
    return _("%(theme)s by month. ") % {"theme": theme} + "; ".join(parts) + "."


def _query_without(request, name: str) -> str:
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


class PeriodFilter(Bounded, forms.Form):
    months = forms.TypedChoiceField(
        label=gettext_lazy("Period"), choices=PERIODS, coerce=int, required=False
    )

    def __init__(self, data):
        super().__init__(_with_default_period(data), auto_id="filter_%s")

    value = ThemeFilters.value


def _period_start(form) -> datetime.date:
    return theme_figures.month_starts(timezone.localdate(), form.value("months", DEFAULT_MONTHS))[0]


@login_required
def participation_page(request: HtmxHttpRequest) -> HttpResponse:
    require_district_leader(request)
    district_id = request.user.district_id
    form = PeriodFilter(request.GET or None)
    since = _period_start(form)
    schools = equity.school_rows(
        list(
            School.objects.filter(district_id=district_id)
            .order_by("name", "pk")
            .values_list("pk", "name")
        ),
        _("No school"),
    )
    decisions = equity.visible_decisions(request.user)
    tables = counted_recently(
        request,
        ("participation", since),
        lambda: {
            "input": equity.input_given(district_id, decisions, since=since, schools=schools),
            "met": equity.people_met(district_id, since=since, schools=schools),
            "consulted": equity.consulted_responded(
                district_id, decisions, since=since, schools=schools
            ),
        },
    )
    export = request.GET.get("export", "")
    if export in tables:
        table = tables[export]
        header = [_("School")]
        for _key, label in table.columns:
            header += (
                [str(label)] if export == "met" else [f"{label}: {_('yes')}", f"{label}: {_('of')}"]
            )
        rows = []
        for label, cells, total in table.rows:
            row = [label]
            for cell in cells:
                row += [cell.part] if export == "met" else [cell.part, cell.whole]
            row += [total.part] if export == "met" else [total.part, total.whole]
            rows.append(row)
        header += (
            [_("Total shown")] if export == "met" else [_("Total shown: yes"), _("Total shown: of")]
        )
        return csv_response(f"participation-{export}.csv", header, rows)
    return render_page(
        request,
        "insights/equity.html",
        {
            "form": form,
            "since": since,
            "tables": {key: equity.quietest(table) for key, table in tables.items()},
            "row_counts": {key: len(table.rows) for key, table in tables.items()},
            "rows_shown": equity.ROWS_SHOWN,
            "smallest": theme_figures.SMALLEST_SHOWN_GROUP,
            "query": _query_without(request, "export"),
        },
    )


@login_required
def health_page(request: HtmxHttpRequest) -> HttpResponse:
    require_district_leader(request)
    today = timezone.localdate()
    terms = counted_recently(
        request,
        ("health", today),
        lambda: health.decision_health(
            equity.visible_decisions(request.user), district=request.user.district, today=today
        ),
    )
    if request.GET.get("export", "") == "terms":
        return csv_response(
            "decision-health.csv",
            [
                _("Term starts"),
                _("Decisions decided"),
                _("Median days to decide"),
                _("Consulted people heard"),
                _("Consulted people"),
                _("Reflections on time"),
                _("Reflections due"),
                _("Principles used"),
                _("Principles neglected"),
            ],
            (
                [
                    term.start.isoformat(),
                    term.decided,
                    term.median_days,
                    term.heard,
                    term.asked,
                    term.reflections_on_time,
                    term.reflections_due,
                    "; ".join(term.principles_used),
                    "; ".join(term.principles_neglected),
                ]
                for term in terms
            ),
        )
    return render_page(
        request,
        "insights/health.html",
        {
            "terms": terms,
            "grace": health.REFLECTION_GRACE_DAYS,
            "smallest": theme_figures.SMALLEST_SHOWN_GROUP,
        },
    )


def _spread_cells(value) -> list:
    return [value.median, value.low, value.high] if value else ["", "", ""]


def _flow_for(request: HtmxHttpRequest, today: datetime.date) -> flow.Flow:
    return counted_recently(
        request,
        ("flow", today),
        lambda: flow.decision_flow(
            equity.visible_decisions(request.user), district=request.user.district, today=today
        ),
    )


@login_required
def flow_page(request: HtmxHttpRequest) -> HttpResponse:
    require_district_leader(request)
    today = timezone.localdate()
    result = _flow_for(request, today)
    if request.GET.get("export", "") == "flow":
        return csv_response(
            "decision-flow.csv",
            [
                _("Term starts"),
                _("Group"),
                _("Decided"),
                _("Median days to decide"),
                _("Lower quartile"),
                _("Upper quartile"),
                _("Median days to implement"),
                _("Lower quartile"),
                _("Upper quartile"),
                _("Superseded within a year (%)"),
                _("Would decide the same (%)"),
            ],
            (
                [
                    term_flow.term.start.isoformat(),
                    group.label,
                    group.decided if group.shown else "",
                    *_spread_cells(group.deciding),
                    *_spread_cells(group.implementing),
                    group.superseded_share,
                    group.same_share,
                ]
                for term_flow in result.terms
                for group in [*term_flow.levels, *term_flow.processes]
            ),
        )
    return render_page(
        request,
        "insights/flow.html",
        {
            "flow": result,
            "smallest": theme_figures.SMALLEST_SHOWN_GROUP,
        },
    )


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole}" if whole else ""


@login_required
def bottlenecks_page(request: HtmxHttpRequest) -> HttpResponse:
    require_district_leader(request)
    today = timezone.localdate()
    decisions = equity.visible_decisions(request.user)
    # Waiting is read afresh on every view: a decision decided a minute ago no longer waits.
    waiting = bottlenecks.waiting_on_deciders(decisions, today=today)
    escalated = counted_recently(
        request,
        ("escalations", today),
        lambda: bottlenecks.escalations(decisions, district=request.user.district, today=today),
    )
    levels = [(term_flow.term, term_flow.levels) for term_flow in _flow_for(request, today).terms]
    export = request.GET.get("export", "")
    if export == "waiting":
        rows = [*waiting.leaders, *([waiting.others] if waiting.others else [])]
        return csv_response(
            "decisions-waiting.csv",
            [_("Waiting on"), _("Decisions past their decide-by date"), _("Oldest decide-by")],
            ([row.label, row.decisions, row.oldest.isoformat()] for row in rows),
        )
    if export == "escalations":
        return csv_response(
            "decided-higher-than-the-map.csv",
            [
                _("School"),
                *[term.start.isoformat() for term in escalated.terms],
                _("Total"),
            ],
            (
                [row.label, *[_share(*cell) for cell in row.cells], _share(*row.total)]
                for row in escalated.rows
            ),
        )
    if export == "levels":
        return csv_response(
            "days-by-level.csv",
            [
                _("Term starts"),
                _("Level"),
                _("Decided"),
                _("Median days to decide"),
                _("Median days to implement"),
            ],
            (
                [
                    term.start.isoformat(),
                    group.label,
                    group.decided if group.shown else "",
                    group.deciding.median if group.deciding else "",
                    group.implementing.median if group.implementing else "",
                ]
                for term, groups in levels
                for group in groups
            ),
        )
    # The schools where most decisions went up; the CSV has every school.
    shown_rows = sorted(escalated.rows, key=lambda row: (-row.total[0], -row.total[1], row.label))
    of = _("%(part)s of %(whole)s")
    return render_page(
        request,
        "insights/bottlenecks.html",
        {
            "waiting": waiting,
            "escalated": escalated,
            "escalated_rows": [
                (
                    row.label,
                    [of % {"part": p, "whole": w} if w else "–" for p, w in row.cells],
                    of % {"part": row.total[0], "whole": row.total[1]},
                )
                for row in shown_rows[: equity.ROWS_SHOWN]
            ],
            "escalated_totals": [
                of % {"part": p, "whole": w} if w else "–" for p, w in escalated.totals
            ],
            "rows_shown": equity.ROWS_SHOWN,
            "school_count": len(escalated.rows),
            "levels": levels,
            "smallest": theme_figures.SMALLEST_SHOWN_GROUP,
        },
    )


def _values_summary(labels: list[str], values: list) -> str:
    shown = [f"{month} {value}" for month, value in zip(labels, values, strict=True) if value]
    return ", ".join(shown) if shown else _("nothing shown")


class MilestoneForm(Bounded, forms.Form):
    day = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    title = forms.CharField(
        label=gettext_lazy("What began"),
        max_length=120,
        help_text=gettext_lazy(
            "For example “New grading policy” or “Late-start Wednesdays begin”."
        ),
    )


def _milestone_marks(milestones, months) -> list[tuple[int, str]]:
    index = {month: i for i, month in enumerate(months)}
    return [
        (index[m.day.replace(day=1)], f"{date_format(m.day, 'M j, Y')}: {m.title}")
        for m in milestones
        if m.day.replace(day=1) in index
    ]


@login_required
@require_http_methods(["GET", "POST"])
def journey_page(request: HtmxHttpRequest) -> HttpResponse:
    """The district's journey for its leaders; each person's own check-in pairs for them.
    Leaders add milestones here (a POST)."""
    user = request.user
    form = MilestoneForm(auto_id="milestone_%s")
    if request.method == "POST":
        require_district_leader(request)
        form = MilestoneForm(request.POST, auto_id="milestone_%s")
        if form.is_valid():
            insight_services.milestone_add(
                by=user, day=form.cleaned_data["day"], title=form.cleaned_data["title"]
            )
            messages.success(request, _("Milestone added to the journey."))
            return redirect("insights:journey")
    today = timezone.localdate()
    pairs = list(
        CheckInPair.objects.filter(district_id=user.district_id)
        .filter(Q(supervisor=user) | Q(principal=user))
        .select_related("supervisor", "principal", "school")
        .order_by("-active", "school__name", "pk")
    )
    if not user.is_district_leader and not pairs:
        raise Http404("No such page.")
    chosen = query_id(request, "pair")
    pair = next((p for p in pairs if p.pk == chosen), pairs[0] if pairs else None)
    months = journey.school_year_months(today)
    labels = [_month_label(m) for m in months]
    export = request.GET.get("export", "")
    milestones = list(
        Milestone.objects.filter(
            district_id=user.district_id,
            day__gte=months[0],
            day__lt=theme_figures.next_month(months[-1]),
        )
    )
    marks = _milestone_marks(milestones, months)
    by_month: dict[datetime.date, list[str]] = {}
    for milestone in milestones:
        by_month.setdefault(milestone.day.replace(day=1), []).append(milestone.title)

    context = {
        "pairs": pairs,
        "pair": pair,
        "smallest": theme_figures.SMALLEST_SHOWN_GROUP,
        "milestones": milestones,
        "form": form,
    }
    if pair is not None:
        own = journey.pair_pulse(pair, today=today)
        if export == "pair":
            return csv_response(
                "check-in-pulse.csv",
                [_("Month"), _("Average pulse")],
                ([month.isoformat(), value] for month, value in own),
            )
        values = [value for _month, value in own]
        names = {"supervisor": pair.supervisor.name, "principal": pair.principal.name}
        context["pair_rows"] = list(zip(labels, values, strict=True))
        context["pair_chart"] = line_chart(
            chart_id="pair-pulse",
            title=_("Pulse of the check-ins of %(supervisor)s and %(principal)s, by month") % names,
            description=_("Average pulse (1 struggling, 5 thriving): %(values)s.")
            % {"values": _values_summary(labels, values)},
            categories=labels,
            series=[(_("Average pulse"), values)],
            low=1,
            high=5,
            marks=marks,
        )
    if user.is_district_leader:
        rows = counted_recently(
            request,
            ("journey", today),
            lambda: journey.district_journey(user.district_id, today=today),
        )
        if export == "months":
            return csv_response(
                "journey-by-month.csv",
                [
                    _("Month"),
                    _("Average pulse"),
                    _("Rounding: what is working"),
                    _("Rounding: what gets in the way"),
                    _("Follow-ups done"),
                    _("Celebrations"),
                    _("People met on rounding"),
                    _("People who gave named input"),
                    _("Milestones"),
                ],
                (
                    [
                        row.start.isoformat(),
                        row.pulse,
                        row.working,
                        row.concerns,
                        row.done,
                        row.celebrations,
                        row.met,
                        row.gave_input,
                        "; ".join(by_month.get(row.start, [])),
                    ]
                    for row in rows
                ),
            )
        pulse = [row.pulse for row in rows]
        wins = [
            (_("What is working"), [row.working for row in rows]),
            (_("What gets in the way"), [row.concerns for row in rows]),
            (_("Follow-ups done"), [row.done for row in rows]),
            (_("Celebrations"), [row.celebrations for row in rows]),
        ]
        context.update(
            {
                "rows": [
                    (label, row, by_month.get(row.start, []))
                    for label, row in zip(labels, rows, strict=True)
                ],
                "pulse_chart": line_chart(
                    chart_id="district-pulse",
                    title=_("The district's check-in pulse, by month"),
                    description=_("Average pulse (1 struggling, 5 thriving): %(values)s.")
                    % {"values": _values_summary(labels, pulse)},
                    categories=labels,
                    series=[(_("Average pulse"), pulse)],
                    low=1,
                    high=5,
                    marks=marks,
                ),
                "wins_chart": bar_chart(
                    chart_id="small-wins",
                    title=_("Rounding, follow-ups done and celebrations, by month"),
                    description="; ".join(
                        f"{label}: {_values_summary(labels, values)}" for label, values in wins
                    ),
                    categories=labels,
                    series=wins,
                    marks=marks,
                ),
            }
        )
    return render_page(request, "insights/journey.html", context)


@login_required
@require_POST
def milestone_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    require_district_leader(request)
    milestone = get_object_or_404(Milestone, pk=pk, district_id=request.user.district_id)
    insight_services.milestone_remove(milestone=milestone, by=request.user)
    messages.success(request, _("Milestone removed."))
    return redirect("insights:journey")


REPORT_PERIODS = [
    ("both", gettext_lazy("Last school year and this one")),
    ("last", gettext_lazy("Last school year")),
    ("this", gettext_lazy("This school year")),
]


class ReportPeriod(Bounded, forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=REPORT_PERIODS, required=False)

    value = ThemeFilters.value


def _sum_shown(values) -> int:
    return sum(v for v in values if v is not None)


@login_required
def journey_report(request: HtmxHttpRequest) -> HttpResponse:
    """The journey in plain words for the board and the community: the same for every district
    leader (it counts the whole district, never the reader's own view of it), every figure under
    the small-group rule, and no name on it."""
    require_district_leader(request)
    district = request.user.district
    form = ReportPeriod(request.GET or None, auto_id="report_%s")
    period = form.value("period", "both")
    today = timezone.localdate()
    months = journey.school_year_months(today)
    # The first twelve months are last school year; the rest are this one.
    shown_months = {"both": months, "last": months[:12], "this": months[12:]}[period]
    end = theme_figures.next_month(shown_months[-1]) - datetime.timedelta(days=1)
    end = min(end, today)
    decisions = Decision.objects.filter(district_id=district.pk)
    figures = counted_recently(
        request,
        ("report", period, today),
        lambda: {
            "flow": flow.decision_flow(decisions, district=district, today=end),
            "escalated": bottlenecks.escalations(decisions, district=district, today=end),
            "months": journey.district_journey(district.pk, today=today),
        },
    )
    rows = [row for row in figures["months"] if row.start in set(shown_months)]
    pulses = [(row.start, row.pulse) for row in rows if row.pulse is not None]
    lowest = min(pulses, key=lambda item: item[1]) if pulses else None
    escalated = figures["escalated"].totals
    milestones = list(
        Milestone.objects.filter(
            district_id=district.pk,
            day__gte=shown_months[0],
            day__lt=theme_figures.next_month(shown_months[-1]),
        )
    )
    return render_page(
        request,
        "insights/journey_report.html",
        {
            "district": district,
            "form": form,
            "first": shown_months[0],
            "last": shown_months[-1],
            "flow": figures["flow"],
            "decided": sum(
                group.decided
                for term_flow in figures["flow"].terms
                for group in term_flow.levels
                if group.shown
            ),
            "escalated": sum(part for part, _whole in escalated),
            "counted": sum(whole for _part, whole in escalated),
            "lowest": lowest,
            "latest": pulses[-1] if pulses else None,
            "done": _sum_shown(row.done for row in rows),
            "celebrations": _sum_shown(row.celebrations for row in rows),
            "working": _sum_shown(row.working for row in rows),
            "concerns": _sum_shown(row.concerns for row in rows),
            "rows": [(_month_label(row.start), row) for row in rows],
            "milestones": milestones,
            "smallest": theme_figures.SMALLEST_SHOWN_GROUP,
        },
    )
