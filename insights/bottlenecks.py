"""Bottlenecks and escalation: where decisions wait, and where they go up the ladder.

- Waiting on one decider: decisions with a named decider (advice, delegated) that are being
  decided by the clock (`processes.status_is`) and are past their decide-by date, counted per
  decider. District leaders are named; everyone below them is counted together and never named,
  and that count is shown only when it rests on at least `SMALLEST_SHOWN_GROUP` people.
- Decided higher than the map gives: of the decisions decided in each term, those decided at a
  higher level than the lowest level at which the rights map lets anyone decide their domain.
  A decision is decided at district level when a district leader decided it or it is for the
  whole district; at team level when its owning team holds the team-level right to decide its
  domain; at school level otherwise. Domains the map gives no one to decide are not counted.
  Counted by the decision's school (the whole district for a decision without one) and term.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions.choices import Authority, Level, Status
from decisions.models import DecisionRight
from decisions.processes import status_is
from districts.models import DISTRICT_LEADER_ROLES

from .flow import term_index
from .health import Term, terms_up_to
from .themes import shown

RANK = {Level.TEAM: 0, Level.SCHOOL: 1, Level.DISTRICT: 2}


@dataclass
class Waiting:
    label: str
    decisions: int
    oldest: datetime.date  # the earliest decide-by date passed


@dataclass
class WaitingReport:
    leaders: list[Waiting]
    others: Waiting | None  # None: nobody below the leaders is waited on, or too few to show
    others_hidden: bool


def waiting_on_deciders(decisions, *, today: datetime.date, now=None) -> WaitingReport:
    rows = (
        decisions.filter(
            status_is(Status.DECIDING, now or timezone.now()),
            decide_by__lt=today,
            decider__isnull=False,
        )
        .values("decider_id", "decider__name", "decider__role")
        .annotate(count=Count("pk"), oldest=Min("decide_by"))
        .order_by("-count", "decider__name")
    )
    leaders, others, people, oldest = [], 0, 0, None
    for row in rows:
        if row["decider__role"] in DISTRICT_LEADER_ROLES:
            leaders.append(Waiting(row["decider__name"], row["count"], row["oldest"]))
        else:
            others += row["count"]
            people += 1
            oldest = min(oldest or row["oldest"], row["oldest"])
    if not people:
        return WaitingReport(leaders, None, False)
    if not shown(people):
        return WaitingReport(leaders, None, True)
    label = _("%(people)s people below the district leaders") % {"people": people}
    return WaitingReport(leaders, Waiting(label, others, oldest), False)


def map_levels(district_id: int) -> tuple[dict[str, str], set[tuple[int, str]]]:
    """The lowest level at which the map lets anyone decide each domain, and the (team,
    domain) pairs of the team-level rights."""
    lowest: dict[str, str] = {}
    teams = set()
    for domain, level, team_id in DecisionRight.objects.filter(
        district_id=district_id, authority=Authority.DECIDES
    ).values_list("domain", "level", "team_id"):
        if domain not in lowest or RANK[level] < RANK[lowest[domain]]:
            lowest[domain] = level
        if level == Level.TEAM:
            teams.add((team_id, domain))
    return lowest, teams


def decided_level(row: dict, teams: set[tuple[int, str]]) -> str:
    if row["decided_by__role"] in DISTRICT_LEADER_ROLES or not row["school_id"]:
        return Level.DISTRICT
    if (row["owning_team_id"], row["domain"]) in teams:
        return Level.TEAM
    return Level.SCHOOL


@dataclass
class EscalationRow:
    label: str
    cells: list[tuple[int, int]]  # per term: (decided higher than the map gives, counted)

    @property
    def total(self) -> tuple[int, int]:
        return sum(c[0] for c in self.cells), sum(c[1] for c in self.cells)


@dataclass
class Escalations:
    terms: list[Term]
    rows: list[EscalationRow]
    totals: list[tuple[int, int]]


def escalations(decisions, *, district, today: datetime.date) -> Escalations:
    terms = terms_up_to(today)
    zone = ZoneInfo(district.timezone)

    def moment(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(), tzinfo=zone)

    lowest, teams = map_levels(district.pk)
    counts: dict[tuple[int | None, str], list[list[int]]] = {}
    if lowest:
        rows = (
            decisions.filter(
                decided_at__gte=moment(terms[0].start),
                decided_at__lt=moment(terms[-1].end),
                domain__in=list(lowest),
            )
            .values(
                "school_id",
                "school__name",
                "domain",
                "owning_team_id",
                "decided_by__role",
                "decided_at",
            )
            .order_by()
        )
        for row in rows.iterator(chunk_size=2000):
            key = (row["school_id"], row["school__name"] or "")
            cells = counts.setdefault(key, [[0, 0] for _term in terms])
            cell = cells[term_index(terms, row["decided_at"], zone)]
            cell[1] += 1
            if RANK[decided_level(row, teams)] > RANK[lowest[row["domain"]]]:
                cell[0] += 1
    whole = _("Decisions for the whole district")
    result = [
        EscalationRow(name or whole, [tuple(cell) for cell in cells])
        for (school_id, name), cells in sorted(
            counts.items(), key=lambda item: (item[0][0] is None, item[0][1])
        )
    ]
    totals = [
        (sum(r.cells[i][0] for r in result), sum(r.cells[i][1] for r in result))
        for i in range(len(terms))
    ]
    return Escalations(terms, result, totals)
