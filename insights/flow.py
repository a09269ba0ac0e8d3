"""Decision flow, term by term ("go slow to go fast"): how long decisions take to be decided and
then put into practice, by process and by level, how often they were superseded within a year,
and whether the people who reflected on them would decide the same again.

One query reads a row of values for each decision decided in the shown terms (the moment of
implementation, of supersession and the latest reflection's verdict come as subqueries in the
same query); one more reads the team-level lines of the rights map. The rest is one pass in
Python over those rows.

- Opening: when the input window opened (`input_opens`), or the draft's creation for a decision
  that never opened one. Days to decide run from the opening to `decided_at`.
- Days to implement: from the decision to its move to "implementing" (its status history).
- Superseded within a year: replaced by a newer decision within 365 days of being decided.
- Would decide the same: of the decisions reflected on, the ones whose latest reflection says
  "keep it".
- Level: team, when the owning team holds the team-level right to decide the decision's domain
  in the rights map; school, when the decision is for one school; district otherwise.

A decision is one person's or one team's work, so a group of three decisions or fewer is not
shown (`themes.SMALLEST_SHOWN_GROUP`), nor is a figure resting on three decisions or fewer (the
days to implement of three implemented decisions, the verdicts of three reflections).
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import DateTimeField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from decisions.choices import Authority, Level, ProcessType, Status
from decisions.models import DecisionEvent, DecisionRight, Reflection

from .health import Term, terms_up_to
from .themes import shown

SUPERSEDED_WITHIN = datetime.timedelta(days=365)

LEVEL_NAMES = {
    Level.DISTRICT: gettext_lazy("District-level decisions"),
    Level.SCHOOL: gettext_lazy("School-level decisions"),
    Level.TEAM: gettext_lazy("Team-level decisions"),
}
PROCESS_NAMES = {
    ProcessType.CONSENT: gettext_lazy("Consent decisions"),
    ProcessType.CONSENSUS: gettext_lazy("Consensus decisions"),
    ProcessType.ADVICE: gettext_lazy("Advice decisions"),
    ProcessType.CONSULTATIVE: gettext_lazy("Consultative decisions"),
    ProcessType.VOTE: gettext_lazy("Decisions by vote"),
    ProcessType.DELEGATED: gettext_lazy("Delegated decisions"),
}


@dataclass
class Spread:
    median: float
    low: float  # the lower quartile
    high: float  # the upper quartile


def spread(days: list[float]) -> Spread | None:
    if not shown(len(days)):
        return None
    low, middle, high = statistics.quantiles(days, n=4, method="inclusive")
    return Spread(round(middle, 1), round(low, 1), round(high, 1))


@dataclass
class Group:
    key: str
    label: str
    to_decide: list[float] = field(default_factory=list)
    to_implement: list[float] = field(default_factory=list)
    superseded: int = 0
    reflected: int = 0
    same: int = 0

    @property
    def decided(self) -> int:
        return len(self.to_decide)

    @property
    def shown(self) -> bool:
        return shown(self.decided)

    @property
    def deciding(self) -> Spread | None:
        return spread(self.to_decide)

    @property
    def implementing(self) -> Spread | None:
        return spread(self.to_implement)

    @property
    def superseded_share(self) -> int | None:
        return round(100 * self.superseded / self.decided) if self.shown else None

    @property
    def same_share(self) -> int | None:
        return round(100 * self.same / self.reflected) if shown(self.reflected) else None


@dataclass
class TermFlow:
    term: Term
    levels: list[Group]
    processes: list[Group]

    @property
    def decided(self) -> int:
        return sum(group.decided for group in self.levels)

    @property
    def key(self) -> str:
        return self.term.start.isoformat()


@dataclass
class Flow:
    terms: list[TermFlow]
    readings: list[str]


def _labels(status: Status) -> list[str]:
    """A status as the history wrote it: its label in each language the site speaks."""
    labels = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.add(str(status.label))
    return sorted(labels)


def _first_event(status: Status) -> Subquery:
    return Subquery(
        DecisionEvent.objects.filter(
            district_id=OuterRef("district_id"),
            decision=OuterRef("pk"),
            kind=DecisionEvent.Kind.STATUS,
            new__in=_labels(status),
        )
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )


def team_rights(district_id: int) -> set[tuple[int, str]]:
    """(team, domain) for every team the rights map lets decide a domain at team level."""
    return set(
        DecisionRight.objects.filter(
            district_id=district_id, level=Level.TEAM, authority=Authority.DECIDES
        ).values_list("team_id", "domain")
    )


def level_of(row: dict, teams: set[tuple[int, str]]) -> str:
    if (row["owning_team_id"], row["domain"]) in teams:
        return Level.TEAM
    return Level.SCHOOL if row["school_id"] else Level.DISTRICT


def decided_rows(decisions, *, first: datetime.datetime, after: datetime.datetime):
    """The values each figure reads, one row per decision decided in [first, after)."""
    return (
        decisions.filter(decided_at__gte=first, decided_at__lt=after)
        .annotate(
            opened=Coalesce("input_opens", "created_at", output_field=DateTimeField()),
            implementing_at=_first_event(Status.IMPLEMENTING),
            superseded_at=_first_event(Status.SUPERSEDED),
            verdict=Subquery(
                Reflection.objects.filter(decision=OuterRef("pk"))
                .order_by("-created_at", "-pk")
                .values("verdict")[:1]
            ),
        )
        .values(
            "pk",
            "process_type",
            "domain",
            "school_id",
            "owning_team_id",
            "decided_by_id",
            "opened",
            "decided_at",
            "implementing_at",
            "superseded_at",
            "verdict",
        )
        .order_by()
    )


def _days(start: datetime.datetime, end: datetime.datetime) -> float:
    return max((end - start).total_seconds() / 86400, 0.0)


def _add(group: Group, row: dict) -> None:
    group.to_decide.append(_days(row["opened"], row["decided_at"]))
    if row["implementing_at"] is not None:
        group.to_implement.append(_days(row["decided_at"], row["implementing_at"]))
    superseded = row["superseded_at"]
    if superseded is not None and superseded - row["decided_at"] <= SUPERSEDED_WITHIN:
        group.superseded += 1
    if row["verdict"]:
        group.reflected += 1
        group.same += row["verdict"] == Reflection.Verdict.KEEP


def term_index(terms: list[Term], moment: datetime.datetime, zone: ZoneInfo) -> int:
    day = moment.astimezone(zone).date()
    return next(i for i, t in enumerate(terms) if t.start <= day < t.end)


def decision_flow(decisions, *, district, today: datetime.date) -> Flow:
    """Each shown term's flow for `decisions` (the reader's visible decisions of the district)."""
    terms = terms_up_to(today)
    zone = ZoneInfo(district.timezone)

    def moment(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(), tzinfo=zone)

    teams = team_rights(district.pk)
    by_term = [
        (
            {level: Group(level, str(LEVEL_NAMES[level])) for level in Level.values},
            {p: Group(p, str(PROCESS_NAMES[p])) for p in ProcessType.values},
        )
        for _term in terms
    ]
    overall_levels = {level: Group(level, str(LEVEL_NAMES[level])) for level in Level.values}
    overall_processes = {p: Group(p, str(PROCESS_NAMES[p])) for p in ProcessType.values}
    # Each group is compared with the decisions outside it, kept as their own group.
    other_levels = {level: Group(level, "") for level in Level.values}
    other_processes = {p: Group(p, "") for p in ProcessType.values}
    for row in decided_rows(
        decisions, first=moment(terms[0].start), after=moment(terms[-1].end)
    ).iterator(chunk_size=2000):
        levels, processes = by_term[term_index(terms, row["decided_at"], zone)]
        level = level_of(row, teams)
        for group in (
            levels[level],
            processes[row["process_type"]],
            overall_levels[level],
            overall_processes[row["process_type"]],
            *(g for key, g in other_levels.items() if key != level),
            *(g for key, g in other_processes.items() if key != row["process_type"]),
        ):
            _add(group, row)
    flows = [
        TermFlow(term, list(levels.values()), list(processes.values()))
        for term, (levels, processes) in zip(terms, by_term, strict=True)
    ]
    readings = [
        reading
        for group, others in [
            *((overall_levels[k], other_levels[k]) for k in Level.values),
            *((overall_processes[k], other_processes[k]) for k in ProcessType.values),
        ]
        if (reading := compare(group, others))
    ]
    return Flow(flows, readings)


def compare(group: Group, rest: Group) -> str | None:
    """One plain sentence comparing a group with the decisions outside it, or None when either
    side is too small to show."""
    mine, theirs = group.deciding, rest.deciding
    if mine is None or theirs is None:
        return None
    gap = round(mine.median - theirs.median)
    figures = {
        "group": group.label,
        "days": abs(gap),
        "mine": round(mine.median),
        "theirs": round(theirs.median),
        "share": group.superseded_share,
        "rest_share": rest.superseded_share,
    }
    if gap > 0:
        speed = _(
            "%(group)s took %(days)s days longer from opening to decision than the others "
            "(a median of %(mine)s days against %(theirs)s)"
        )
    elif gap < 0:
        speed = _(
            "%(group)s took %(days)s days less from opening to decision than the others "
            "(a median of %(mine)s days against %(theirs)s)"
        )
    else:
        speed = _("%(group)s took about as long from opening to decision as the others")
    if group.superseded_share < rest.superseded_share:
        after = _(
            "and were superseded within a year less often (%(share)s%% against %(rest_share)s%%)."
        )
    elif group.superseded_share > rest.superseded_share:
        after = _(
            "and were superseded within a year more often (%(share)s%% against %(rest_share)s%%)."
        )
    elif group.superseded_share:
        after = _("and were superseded within a year as often (%(share)s%%).")
    else:
        after = _("and, like the others, none was superseded within a year.")
    return f"{speed % figures} {after % figures}"
