"""The district dashboard's figures: each section one aggregate query, whatever the data size.

Every figure carries the address of the list behind it. A section is a list of tables; the
page shows them and each downloads as CSV. Who sees what is the lists' own rule: each count
goes through the model's `visible_to`, so a number never promises rows its link will not show.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from decisions.integrity import LABELS as FLAG_LABELS
from decisions.models import Decision, Status
from decisions.selectors import due_soon, has_flag, reflection_due, status_is
from districts.models import Role, School, User
from principals.models import CheckIn, CheckInPair
from principals.selectors import SMALLEST_NAMED_GROUP
from rounding.models import FollowUp
from rounding.selectors import overdue_schools

OPEN_STATUSES = [Status.DRAFT, Status.OPEN_FOR_INPUT, Status.DECIDING]
# Age of a follow-up since it was written down: (key, heading, newer than, at least as old as).
AGE_BUCKETS = [("week", 0, 7), ("month", 7, 30), ("older", 30, None)]
FOLLOW_UP_COLOURS = [
    FollowUp.Status.RED,
    FollowUp.Status.YELLOW,
    FollowUp.Status.NEW,
    FollowUp.Status.GREEN,
]
CHECK_IN_WEEKS = 8
PULSE_MONTHS = 6
# On the page, the longest lists stop here; their CSV has every row.
PAGE_ROWS = 10


@dataclass
class Figure:
    """One cell: its value, the list behind it, and words for a screen reader after the number."""

    value: object
    url: str = ""
    text: str = ""

    def __str__(self) -> str:
        return str(self.value)


@dataclass
class Table:
    key: str
    caption: str
    header: list[str]
    rows: list[list[Figure]] = field(default_factory=list)
    empty: str = ""
    note: str = ""

    def csv_rows(self):
        return ([cell.value for cell in row] for row in self.rows)


@dataclass
class Section:
    key: str
    heading: str
    tables: list[Table]


@dataclass
class Scope:
    """Whose dashboard: the whole district as `user` sees it, or one school of it."""

    user: User
    school: School | None = None
    full: bool = False  # a CSV: every row, not the first few
    now: datetime.datetime = field(default_factory=timezone.now)

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def narrow(self, rows, lookup: str = "school"):
        return rows.filter(**{lookup: self.school}) if self.school else rows

    def decisions_url(self, **params) -> str:
        if self.school:
            params["school"] = self.school.pk
        return f"{reverse('decisions:list')}?{urlencode(params)}"

    def check_ins_url(self) -> str:
        url = reverse("principals:index")
        return f"{url}?who=all" if self.user.role == Role.SUPERINTENDENT else url

    def stoplight_url(self) -> str:
        return reverse("rounding:school", args=[self.school.pk]) if self.school else ""


def limited(rows, scope: Scope):
    return rows if scope.full else rows[:PAGE_ROWS]


def cut_note(table: Table, scope: Scope, note: str) -> None:
    """Say that the page shows the first rows only when it may have left some out."""
    if not scope.full and len(table.rows) >= PAGE_ROWS:
        table.note = note


# ----- decisions


def decision_sections(scope: Scope) -> list[Section]:
    """Open decisions by status, flags by kind and by team, reflections due: two queries."""
    decisions = scope.narrow(Decision.objects.visible_to(scope.user, whole_district=True))
    soon = due_soon(scope.now)
    codes = list(FLAG_LABELS)
    counts = decisions.order_by().aggregate(
        **{status: Count("pk", filter=status_is(status, scope.now)) for status in OPEN_STATUSES},
        **{
            f"{status}_soon": Count("pk", filter=status_is(status, scope.now) & soon)
            for status in OPEN_STATUSES
        },
        reflection_due=Count("pk", filter=reflection_due(scope.today)),
        flagged=Count("pk", filter=~Q(flag_codes=[])),
        **{f"flag_{n}": Count("pk", filter=has_flag(code)) for n, code in enumerate(codes)},
    )
    statuses = Table(
        "decisions",
        _("Open decisions by status"),
        [_("Status"), _("Decisions"), _("Closing or due within 7 days")],
        empty=_(
            "No decision is open. Start one on the Decisions page and invite the people it affects."
        ),
        note=_(
            "A draft or open decision counts as closing when its input window closes within 7 days; a decision being made, when its decide-by date is within 7 days."
        ),
    )
    if any(counts[status] for status in OPEN_STATUSES):
        for status in OPEN_STATUSES:
            label = Status(status).label
            statuses.rows.append(
                [
                    Figure(label),
                    Figure(
                        counts[status],
                        scope.decisions_url(status=status),
                        _("decisions with status %(status)s") % {"status": label},
                    ),
                    Figure(
                        counts[f"{status}_soon"],
                        scope.decisions_url(status=status, soon="on"),
                        _("decisions with status %(status)s closing or due within 7 days")
                        % {"status": label},
                    ),
                ]
            )

    seen = [(n, code) for n, code in enumerate(codes) if counts[f"flag_{n}"]]
    by_kind = Table(
        "flags-by-kind",
        _("Integrity flags by kind"),
        [_("Flag"), _("Decisions")],
        empty=_("No decision is flagged: every decision on record followed its process."),
        note=_("A decision with two flags counts under each."),
    )
    for n, code in seen:
        label = FLAG_LABELS[code]
        by_kind.rows.append(
            [
                Figure(label),
                Figure(
                    counts[f"flag_{n}"],
                    scope.decisions_url(flag=code),
                    _("decisions flagged “%(flag)s”") % {"flag": label},
                ),
            ]
        )
    if seen:
        by_kind.rows.append(
            [
                Figure(_("Flagged decisions, any flag")),
                Figure(
                    counts["flagged"],
                    scope.decisions_url(flagged="on"),
                    _("flagged decisions"),
                ),
            ]
        )

    by_team = Table(
        "flags-by-team",
        _("Flagged decisions by owning team"),
        [_("Team"), _("Flagged decisions"), *(FLAG_LABELS[code] for _n, code in seen)],
        empty=_("No team has a flagged decision."),
    )
    if seen:
        teams = (
            decisions.exclude(flag_codes=[])
            .values("owning_team", "owning_team__name")
            .annotate(
                flagged=Count("pk"),
                **{f"flag_{n}": Count("pk", filter=has_flag(code)) for n, code in seen},
            )
            .order_by("-flagged", F("owning_team__name").asc(nulls_last=True))
        )
        for team in limited(teams, scope):
            name = team["owning_team__name"] or _("No owning team")
            # The list filters by a team; decisions without one are found among all flagged.
            where = {"team": team["owning_team"]} if team["owning_team"] else {}
            row = [
                Figure(name),
                Figure(
                    team["flagged"],
                    scope.decisions_url(flagged="on", **where),
                    _("flagged decisions of %(team)s") % {"team": name},
                ),
            ]
            for n, code in seen:
                row.append(
                    Figure(
                        team[f"flag_{n}"],
                        scope.decisions_url(flag=code, **where),
                        _("decisions of %(team)s flagged “%(flag)s”")
                        % {"team": name, "flag": FLAG_LABELS[code]},
                    )
                )
            by_team.rows.append(row)
        cut_note(
            by_team,
            scope,
            _("The %(n)s teams with the most flagged decisions; the CSV has every team.")
            % {"n": PAGE_ROWS},
        )

    reflections = Table(
        "reflections",
        _("Reflections due"),
        [_("What"), _("Decisions")],
        rows=[
            [
                Figure(_("Decided, past the review date, no reflection yet")),
                Figure(
                    counts["reflection_due"],
                    scope.decisions_url(reflection_due="on"),
                    _("decisions waiting for a reflection"),
                ),
            ]
        ],
    )
    return [
        Section("decisions", _("Open decisions"), [statuses]),
        Section("integrity", _("Integrity flags"), [by_kind, by_team]),
        Section("reflections", _("Reflections due"), [reflections]),
    ]


# ----- rounding


def coverage_section(scope: Scope) -> Section:
    """Schools visited within the target and those past it: one or two queries."""
    district = scope.user.district
    target = district.coverage_target()
    coverage_url = reverse("rounding:coverage")
    if scope.school:
        last = getattr(getattr(scope.school, "coverage", None), "last_visit", None)
        days = max((scope.today - last).days, 0) if last else None
        url = (
            reverse("rounding:briefing", args=[scope.school.pk])
            if scope.user.is_district_leader
            else scope.stoplight_url()
        )
        value = _("never visited") if days is None else days
        overdue = days is None or days > target
        table = Table(
            "coverage",
            _("Rounding coverage"),
            [_("What"), _("Figure")],
            rows=[
                [
                    Figure(_("Days since the last visit")),
                    Figure(value, url, _("days since the last rounding visit")),
                ],
                [
                    Figure(_("Past the target of %(days)s days") % {"days": target}),
                    Figure(_("yes") if overdue else _("no"), url, _("past the visit target")),
                ],
            ],
        )
        return Section("coverage", _("Rounding coverage"), [table])

    cutoff = scope.today - datetime.timedelta(days=target)
    schools = School.objects.visible_to(scope.user)
    counts = schools.order_by().aggregate(
        total=Count("pk"),
        recent=Count("pk", filter=Q(coverage__last_visit__gte=cutoff)),
        never=Count("pk", filter=Q(coverage__last_visit__isnull=True)),
    )
    overdue_url = f"{coverage_url}?overdue=1"
    summary = Table(
        "coverage",
        _("Rounding coverage"),
        [_("Schools"), _("Number")],
        empty=_("No schools yet. District IT imports them with the roster."),
    )
    if counts["total"]:
        summary.rows = [
            [Figure(_("All schools")), Figure(counts["total"], coverage_url, _("schools"))],
            [
                Figure(_("Visited in the last %(days)s days") % {"days": target}),
                Figure(counts["recent"], coverage_url, _("schools visited within the target")),
            ],
            [
                Figure(_("Past the target of %(days)s days") % {"days": target}),
                Figure(
                    counts["total"] - counts["recent"],
                    overdue_url,
                    _("schools past the visit target"),
                ),
            ],
            [
                Figure(_("Never visited")),
                Figure(counts["never"], overdue_url, _("schools never visited")),
            ],
        ]
    overdue = Table(
        "overdue-schools",
        _("Schools past the visit target, the longest without a visit first"),
        [_("School"), _("Last visit"), _("Days since")],
        empty=_("Every school was visited in the last %(days)s days.") % {"days": target},
    )
    rows = (
        overdue_schools(schools, district, scope.today)
        .values("pk", "name", "coverage__last_visit")
        .order_by(F("coverage__last_visit").asc(nulls_first=True), "name", "pk")
    )
    for school in limited(rows, scope):
        last = school["coverage__last_visit"]
        url = reverse("rounding:briefing", args=[school["pk"]])
        overdue.rows.append(
            [
                Figure(school["name"], url, _("pre-visit briefing")),
                Figure(last or _("never")),  # a date: the page shows it local, the CSV as ISO
                Figure((scope.today - last).days if last else ""),
            ]
        )
    cut_note(
        overdue,
        scope,
        _("The first %(n)s; the coverage page and the CSV have them all.") % {"n": PAGE_ROWS},
    )
    return Section("coverage", _("Rounding coverage"), [summary, overdue])


def follow_up_section(scope: Scope) -> Section:
    """Follow-ups by stoplight colour and age; at district level, the schools with most open."""
    follow_ups = scope.narrow(FollowUp.objects.visible_to(scope.user))
    now, today = scope.now, scope.today
    ages = {}
    for key, newer, older in AGE_BUCKETS:
        q = Q(created_at__lte=now - datetime.timedelta(days=newer)) if newer else Q()
        if older is not None:
            q &= Q(created_at__gt=now - datetime.timedelta(days=older))
        ages[key] = q
    overdue = Q(due_on__lt=today)
    counts = follow_ups.order_by().aggregate(
        **{
            f"{colour}_{key}": Count("pk", filter=Q(status=colour) & q)
            for colour in FOLLOW_UP_COLOURS
            for key, q in ages.items()
        },
        **{
            f"{colour}_overdue": Count("pk", filter=Q(status=colour) & overdue)
            for colour in FOLLOW_UP_COLOURS
            if colour != FollowUp.Status.GREEN
        },
        **{f"{colour}_all": Count("pk", filter=Q(status=colour)) for colour in FOLLOW_UP_COLOURS},
    )
    by_school_anchor = "#table-follow-ups-by-school"
    url = scope.stoplight_url() or by_school_anchor
    headings = [_("Under 7 days old"), _("7 to 30 days old"), _("Over 30 days old")]
    table = Table(
        "follow-ups",
        _("Follow-ups by stoplight colour and age"),
        [_("Colour"), *headings, _("Past due"), _("All")],
        empty=_(
            "No follow-ups yet. They come from concerns heard on rounding visits: turn one "
            "into a commitment with an owner and a due date."
        ),
        note=""
        if scope.school
        else _(
            "Each school's stoplight report lists its follow-ups; the table below links to them."
        ),
    )
    if any(counts[f"{colour}_all"] for colour in FOLLOW_UP_COLOURS):
        for colour in FOLLOW_UP_COLOURS:
            label = FollowUp.Status(colour).label
            row = [Figure(label)]
            for (key, _newer, _older), heading in zip(AGE_BUCKETS, headings, strict=True):
                row.append(
                    Figure(
                        counts[f"{colour}_{key}"],
                        url,
                        _("follow-ups %(colour)s, %(age)s")
                        % {"colour": label.lower(), "age": heading.lower()},
                    )
                )
            due = counts.get(f"{colour}_overdue")
            row.append(
                Figure(
                    "" if due is None else due,
                    url if due is not None else "",
                    _("follow-ups %(colour)s past their due date") % {"colour": label.lower()},
                )
            )
            row.append(
                Figure(
                    counts[f"{colour}_all"],
                    url,
                    _("follow-ups %(colour)s") % {"colour": label.lower()},
                )
            )
            table.rows.append(row)
    tables = [table]
    if not scope.school:
        by_school = Table(
            "follow-ups-by-school",
            _("Open follow-ups by school, the most first"),
            [_("School"), _("Cannot do"), _("In progress"), _("Not started"), _("Past due")],
            empty=_("No open follow-ups: every commitment is done."),
        )
        open_rows = (
            follow_ups.open()
            .values("school", "school__name")
            .annotate(
                red=Count("pk", filter=Q(status=FollowUp.Status.RED)),
                yellow=Count("pk", filter=Q(status=FollowUp.Status.YELLOW)),
                new=Count("pk", filter=Q(status=FollowUp.Status.NEW)),
                overdue=Count("pk", filter=overdue),
                total=Count("pk"),
            )
            .order_by("-total", "school__name", "school")
        )
        for row in limited(open_rows, scope):
            name = row["school__name"]
            stoplight = reverse("rounding:school", args=[row["school"]])
            figures = [Figure(name, stoplight, _("stoplight report"))]
            for key, words in (
                ("red", _("follow-ups that cannot be done at %(school)s")),
                ("yellow", _("follow-ups in progress at %(school)s")),
                ("new", _("follow-ups not started at %(school)s")),
                ("overdue", _("open follow-ups past their due date at %(school)s")),
            ):
                figures.append(Figure(row[key], stoplight, words % {"school": name}))
            by_school.rows.append(figures)
        cut_note(
            by_school,
            scope,
            _("The %(n)s schools with the most open follow-ups; the CSV has every school.")
            % {"n": PAGE_ROWS},
        )
        tables.append(by_school)
    return Section("follow-ups", _("Follow-ups"), tables)


# ----- check-ins


def check_in_section(scope: Scope) -> Section:
    """Meetings held and missed lately, pairs past their cadence, and the pulse by month."""
    check_ins = scope.narrow(CheckIn.objects.visible_to(scope.user), "pair__school")
    pairs = scope.narrow(CheckInPair.objects.visible_to(scope.user).filter(active=True))
    pair_counts = pairs.order_by().aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(overdue_since__isnull=False))
    )
    first = scope.today.replace(day=1)
    months = [first]
    for _step in range(PULSE_MONTHS - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    start = datetime.datetime.combine(
        months[-1], datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    # One query by month: the pulse, and, summed, the meetings of the last weeks (which lie
    # inside the months read).
    since = scope.now - datetime.timedelta(weeks=CHECK_IN_WEEKS)
    recent = Q(scheduled_at__gte=since)
    held, with_pulse = Q(status=CheckIn.Status.HELD), Q(pulse__isnull=False)
    by_month = list(
        check_ins.filter(scheduled_at__gte=min(start, since), scheduled_at__lte=scope.now)
        .annotate(month=TruncMonth("scheduled_at"))
        .values("month")
        .annotate(
            held=Count("pk", filter=recent & held),
            missed=Count("pk", filter=recent & Q(status=CheckIn.Status.MISSED)),
            n=Count("pk", filter=held & with_pulse),
            average=Avg("pulse", filter=held & with_pulse),
        )
        .order_by("month")
    )
    meetings = {key: sum(row[key] for row in by_month) for key in ("held", "missed")}
    url = scope.check_ins_url()
    health = Table(
        "check-ins",
        _("Check-in health"),
        [_("What"), _("Number")],
        empty=_(
            "No check-in pairs you can see. Pair each principal with a supervisor on the "
            "Check-ins page."
        ),
    )
    if pair_counts["total"] or meetings["held"] or meetings["missed"]:
        health.rows = [
            [
                Figure(_("Held in the last %(weeks)s weeks") % {"weeks": CHECK_IN_WEEKS}),
                Figure(meetings["held"], url, _("check-ins held")),
            ],
            [
                Figure(_("Missed in the last %(weeks)s weeks") % {"weeks": CHECK_IN_WEEKS}),
                Figure(meetings["missed"], url, _("check-ins missed")),
            ],
            [Figure(_("Active pairs")), Figure(pair_counts["total"], url, _("active pairs"))],
            [
                Figure(_("Pairs past their cadence")),
                Figure(pair_counts["overdue"], url, _("pairs past their cadence")),
            ],
        ]

    pulses = {
        row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]: row
        for row in by_month
        if row["n"]
    }
    pulse = Table(
        "pulse",
        _("Pulse by month (1 struggling, 5 thriving)"),
        [_("Month"), _("Average pulse"), _("Check-ins with a pulse")],
        empty=_("No pulse recorded in the last %(n)s months.") % {"n": PULSE_MONTHS},
        note=_(
            "A month shows only when at least %(n)s check-ins gave a pulse, so that nobody's "
            "own pulse can be read off."
        )
        % {"n": SMALLEST_NAMED_GROUP},
    )
    if pulses:
        too_few = _("too few to show")
        for month in months:  # newest first: on a phone the recent months are in view
            row = pulses.get(month)
            label = date_format(month, "F Y")
            if row and row["n"] >= SMALLEST_NAMED_GROUP:
                pulse.rows.append(
                    [
                        Figure(label),
                        Figure(f"{row['average']:.1f}"),
                        Figure(
                            row["n"],
                            url,
                            _("check-ins with a pulse in %(month)s") % {"month": label},
                        ),
                    ]
                )
            else:
                pulse.rows.append([Figure(label), Figure(too_few), Figure(too_few)])
    return Section("check-ins", _("Check-in health"), [health, pulse])


def sections(scope: Scope) -> list[Section]:
    return [
        *decision_sections(scope),
        coverage_section(scope),
        follow_up_section(scope),
        check_in_section(scope),
    ]


TABLE_KEYS = (
    "decisions",
    "flags-by-kind",
    "flags-by-team",
    "reflections",
    "coverage",
    "overdue-schools",
    "follow-ups",
    "follow-ups-by-school",
    "check-ins",
    "pulse",
)


def table(scope: Scope, key: str) -> Table | None:
    for section in sections(scope):
        for each in section.tables:
            if each.key == key:
                return each
    return None
