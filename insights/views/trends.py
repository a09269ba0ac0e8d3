"""The trends pages: themes across sources, participation equity and decision health.

Who sees them: district leaders, for the whole district. Principals and everyone else get a
404, as for every page across schools (`require_district_leader`): a principal's own school
would be a group small enough to read people from, and one rule is easier to keep than two.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from districts.bounds import Bounded
from districts.models import School, Theme
from districts.web import HtmxHttpRequest, csv_response, render_page, require_district_leader

from .. import equity, health
from .. import themes as theme_figures
from ..charts import bar_chart

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
