"""Participation equity: who is heard, by role and by school, so leaders see which voices are
missing. Counts of people only; nobody is named.

Three figures, each by role and school:
- named input given: the people of a role at a school who gave named input in the period, of
  all the people of that role there. Anonymous input is not counted: who wrote it is unknown,
  and it counts toward its decision's total only;
- people met on rounding, by the role group the visitor recorded: each roster person once, and
  each conversation with someone not in the roster as one person;
- consulted people who responded: the people a decision opened for input in the period consulted
  (its consulted groups resolved to people, as the decision page does), and of those, the ones
  who responded by the rule of the decision page (`decisions.guide.responded_line`): named input,
  or having voted in a vote. Anonymous input never marks anyone as having responded.

The small-group rule: a cell about a group of three people or fewer is not shown, and row
totals add up the shown cells only. A person at two schools counts at each.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from decisions.choices import Involvement, StakeholderKind
from decisions.models import Decision, Input, Stakeholder, Turnout
from districts.models import Role, TeamMembership, User
from rounding.models import Conversation, RoleGroup

from .themes import shown


def consulted_q(decisions) -> Q:
    """A Q on User: the people the consulted groups of `decisions` stand for today.

    The groups are resolved kind by kind against the distinct groups consulted (a few hundred
    teams, schools and roles), never decision by decision, so the database hashes each set once.
    """
    consulted = Stakeholder.objects.filter(
        involvement=Involvement.CONSULTED, decision__in=decisions.values("pk")
    )
    at_schools = User.schools.through.objects
    role_at_school = consulted.filter(
        kind=StakeholderKind.ROLE,
        school_id=OuterRef("school_id"),
        role=OuterRef("user__role"),
    )
    return (
        Q(pk__in=consulted.filter(kind=StakeholderKind.PERSON).values("person_id"))
        | Q(
            pk__in=TeamMembership.objects.filter(
                left_on__isnull=True,
                team_id__in=consulted.filter(kind=StakeholderKind.TEAM).values("team_id"),
            ).values("user_id")
        )
        | Q(
            pk__in=at_schools.filter(
                school_id__in=consulted.filter(kind=StakeholderKind.SCHOOL).values("school_id")
            ).values("user_id")
        )
        | Q(
            role__in=consulted.filter(kind=StakeholderKind.ROLE, school__isnull=True).values("role")
        )
        | Q(pk__in=at_schools.filter(Exists(role_at_school)).values("user_id"))
        | Q(Exists(consulted.filter(kind=StakeholderKind.DISTRICT)))
    )


def _standing_for(stakeholders, person_field: str):
    """The stakeholders (in a subquery of a query over rows with `person_field`, such as an
    input's author) that stand for that row's person."""
    person = OuterRef(person_field)
    role = OuterRef(f"{person_field.removesuffix('_id')}__role")
    teams = TeamMembership.objects.filter(user_id=OuterRef(person), left_on__isnull=True).values(
        "team_id"
    )
    schools = User.schools.through.objects.filter(user_id=OuterRef(person)).values("school_id")
    return stakeholders.filter(
        Q(kind=StakeholderKind.PERSON, person_id=person)
        | Q(kind=StakeholderKind.DISTRICT)
        | Q(kind=StakeholderKind.TEAM, team_id__in=teams)
        | Q(kind=StakeholderKind.SCHOOL, school_id__in=schools)
        | Q(kind=StakeholderKind.ROLE, role=role, school__isnull=True)
        | Q(kind=StakeholderKind.ROLE, role=role, school_id__in=schools)
    )


def heard_q(decisions, *, since: datetime.date | None = None) -> Q:
    """A Q on User: heard on one of `decisions` they were consulted on, by the decision page's
    rule: named input, or a vote cast (who voted is named, never how). Anonymous input never
    marks anyone.

    Read from the input's side, once: each named input of the period is checked against its
    own decision's consulted groups, and the authors found are a set the database hashes.
    """
    consulted_here = Stakeholder.objects.filter(
        involvement=Involvement.CONSULTED, decision_id=OuterRef("decision_id")
    )
    named = Input.objects.filter(
        is_anonymous=False, author__isnull=False, decision__in=decisions.values("pk")
    )
    if since is not None:
        named = named.filter(given_on__gte=since)
    named = named.filter(Exists(_standing_for(consulted_here, "author_id")))
    voted = Turnout.objects.filter(decision__in=decisions.values("pk")).filter(
        Exists(_standing_for(consulted_here, "person_id"))
    )
    return Q(pk__in=named.values("author_id")) | Q(pk__in=voted.values("person_id"))


@dataclass
class Cell:
    part: int | None  # None: not shown
    whole: int | None

    @property
    def is_shown(self) -> bool:
        return self.whole is not None


HIDDEN = Cell(None, None)


@dataclass
class Table:
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[tuple[str, list[Cell], Cell]]  # label, cells, row total (shown cells only)


# A district of hundreds of schools: the page shows the rows that need attention, the CSV all.
ROWS_SHOWN = 25


def quietest(table: Table) -> Table:
    """The `ROWS_SHOWN` rows where the fewest are heard: the lowest share of people who gave
    input or responded, or the fewest people met, first."""

    def heard(row) -> tuple:
        total = row[2]
        share = total.part / total.whole if total.whole else total.part
        return (share, row[0])

    return Table(columns=table.columns, rows=sorted(table.rows, key=heard)[:ROWS_SHOWN])


def _table(counts: dict, columns, schools, *, with_whole: bool) -> Table:
    """`counts`: (school or None, column) → (part, whole people); hidden when whole ≤ 3."""
    rows = []
    for school_id, label in schools:
        cells = []
        for key, _label in columns:
            part, whole = counts.get((school_id, key), (0, 0))
            cells.append(Cell(part, whole if with_whole else None) if shown(whole) else HIDDEN)
        shown_cells = [c for c in cells if c.part is not None]
        if not shown_cells:
            continue
        total = Cell(
            sum(c.part for c in shown_cells),
            sum(c.whole for c in shown_cells) if with_whole else None,
        )
        rows.append((label, cells, total))
    return Table(columns=list(columns), rows=rows)


# The roles whose voices the page follows (leaders of the district are the listeners).
HEARD_ROLES = [
    (role.value, role.label)
    for role in Role
    if role not in (Role.SUPERINTENDENT, Role.DISTRICT_LEADER, Role.BOARD_MEMBER)
]


def input_given(district_id: int, decisions, *, since: datetime.date, schools) -> Table:
    """People of each role and school who gave named input in the period, of all of them."""
    authors = Input.objects.filter(
        decision__in=decisions.values("pk"), is_anonymous=False, given_on__gte=since
    ).values("author_id")
    counts = {
        (school, role): (gave, people)
        for role, school, people, gave in User.objects.filter(
            district_id=district_id, is_active=True
        )
        .values("role", "schools")
        .annotate(
            people=Count("pk", distinct=True),
            gave=Count("pk", distinct=True, filter=Q(pk__in=authors)),
        )
        .values_list("role", "schools", "people", "gave")
        .order_by()
    }
    return _table(counts, HEARD_ROLES, schools, with_whole=True)


def people_met(district_id: int, *, since: datetime.date, schools) -> Table:
    """People met on rounding in the period, by the role group recorded and the school."""
    counts = {}
    for school, group, named, unnamed in (
        Conversation.objects.filter(district_id=district_id, visit__date__gte=since)
        .values("visit__school_id", "role_group")
        .annotate(
            named=Count("person", distinct=True),
            unnamed=Count("pk", filter=Q(person__isnull=True)),
        )
        .values_list("visit__school_id", "role_group", "named", "unnamed")
        .order_by()
    ):
        counts[school, group] = (named + unnamed, named + unnamed)
    return _table(counts, RoleGroup.choices, schools, with_whole=False)


def consulted_responded(district_id: int, decisions, *, since: datetime.date, schools) -> Table:
    """Of the people consulted on decisions opened for input in the period, who responded."""
    opened = decisions.filter(input_opens__gte=_midnight(since)).exclude(status="draft")
    # Only the people asked are grouped: a group nobody in it was asked about counts (0, 0),
    # as a missing one does, and the consulted groups are resolved once instead of twice.
    counts = {
        (school, role): (heard, people)
        for role, school, people, heard in User.objects.filter(
            consulted_q(opened), district_id=district_id, is_active=True
        )
        .values("role", "schools")
        .annotate(
            people=Count("pk", distinct=True),
            heard=Count("pk", distinct=True, filter=heard_q(opened, since=since)),
        )
        .values_list("role", "schools", "people", "heard")
        .order_by()
    }
    return _table(counts, HEARD_ROLES, schools, with_whole=True)


def _midnight(day: datetime.date) -> datetime.datetime:
    """The first moment of `day` on the current clock: `field__gte` of it is `field__date__gte`
    of the day, and reads the field's index."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def school_rows(schools: list[tuple[int, str]], no_school_label: str):
    """The table's rows: each school, then the people attached to no school."""
    return [*schools, (None, no_school_label)]


def visible_decisions(user):
    return Decision.objects.visible_to(user, whole_district=True)
