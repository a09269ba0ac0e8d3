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
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Value
from django.utils import timezone

from decisions.choices import Involvement, StakeholderKind
from decisions.models import Decision, Input, Stakeholder, Turnout
from districts.models import Role, TeamMembership, User
from rounding.models import Conversation, RoleGroup

from .themes import shown


@dataclass
class Groups:
    """The groups other than named people consulted on some decisions: teams, schools, roles
    (district-wide, or at a set of schools) and the whole district."""

    teams: set[int] = field(default_factory=set)
    schools: set[int] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    roles_at: dict[str, set[int]] = field(default_factory=dict)
    district: bool = False


def consulted_groups(decisions, *, key=None) -> dict:
    """The groups consulted on `decisions`, by `key` (an expression on the stakeholder, such as
    the term of its decision; None: all in one), in one query.

    The groups are a few hundred teams, schools and roles: read once, they resolve to people
    without the database going through the decisions again for each kind of group.
    """
    rows = (
        Stakeholder.objects.filter(
            involvement=Involvement.CONSULTED, decision__in=decisions.values("pk")
        )
        .exclude(kind=StakeholderKind.PERSON)
        .annotate(group_key=key if key is not None else Value(None, IntegerField()))
        .values_list("group_key", "kind", "team_id", "school_id", "role")
        .distinct()
        .order_by()
    )
    found: dict = {}
    for group_key, kind, team_id, school_id, role in rows:
        groups = found.setdefault(group_key, Groups())
        match kind:
            case StakeholderKind.TEAM:
                groups.teams.add(team_id)
            case StakeholderKind.SCHOOL:
                groups.schools.add(school_id)
            case StakeholderKind.ROLE if school_id is None:
                groups.roles.add(role)
            case StakeholderKind.ROLE:
                groups.roles_at.setdefault(role, set()).add(school_id)
            case StakeholderKind.DISTRICT:
                groups.district = True
    return found


def consulted_q(decisions, groups: Groups | None) -> Q | None:
    """A Q on User: the people the consulted groups of `decisions` stand for today, `groups`
    being their `consulted_groups`. None: everyone (the whole district was consulted).

    Named people are read from the decisions' stakeholders; every other group from `groups`,
    so the database hashes each set once.
    """
    groups = groups or Groups()
    if groups.district:
        return None
    at_schools = User.schools.through.objects
    q = Q(
        pk__in=Stakeholder.objects.filter(
            involvement=Involvement.CONSULTED,
            kind=StakeholderKind.PERSON,
            decision__in=decisions.values("pk"),
        ).values("person_id")
    )
    if groups.teams:
        q |= Q(
            pk__in=TeamMembership.objects.filter(
                left_on__isnull=True, team_id__in=sorted(groups.teams)
            ).values("user_id")
        )
    if groups.schools:
        q |= Q(pk__in=at_schools.filter(school_id__in=sorted(groups.schools)).values("user_id"))
    if groups.roles:
        q |= Q(role__in=sorted(groups.roles))
    for role, schools in sorted(groups.roles_at.items()):
        q |= Q(
            role=role,
            pk__in=at_schools.filter(school_id__in=sorted(schools)).values("user_id"),
        )
    return q


def consulted(people, decisions, groups: Groups | None):
    """`people` (a User queryset) narrowed to those consulted on `decisions`."""
    q = consulted_q(decisions, groups)
    return people if q is None else people.filter(q)


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


def heard_by(decisions, *, key, district_id: int) -> dict:
    """The district's active people heard on one of `decisions` they were consulted on, by
    `key` (an expression on the decision, such as its term): {key: set of user ids}, one query.

    The rule of `heard_q`: named input, or a vote cast. Each input and each vote is checked
    against its own decision's consulted groups, so whoever is found was consulted on one of
    the decisions: no second look at who was consulted is needed.
    """
    consulted_here = Stakeholder.objects.filter(
        involvement=Involvement.CONSULTED, decision_id=OuterRef("decision_id")
    )
    within = decisions.values("pk")
    named = (
        Input.objects.filter(
            is_anonymous=False,
            author__district_id=district_id,
            author__is_active=True,
            decision__in=within,
        )
        .filter(Exists(_standing_for(consulted_here, "author_id")))
        .annotate(heard_key=key)
        .values_list("heard_key", "author_id")
        .order_by()
    )
    voted = (
        Turnout.objects.filter(
            person__district_id=district_id, person__is_active=True, decision__in=within
        )
        .filter(Exists(_standing_for(consulted_here, "person_id")))
        .annotate(heard_key=key)
        .values_list("heard_key", "person_id")
        .order_by()
    )
    found: dict = {}
    for heard_key, person_id in named.union(voted).order_by():
        found.setdefault(heard_key, set()).add(person_id)
    return found


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
    groups = consulted_groups(opened).get(None)
    # Only the people asked are grouped: a group nobody in it was asked about counts (0, 0),
    # as a missing one does, and the consulted groups are resolved once instead of twice.
    asked = consulted(User.objects.filter(district_id=district_id, is_active=True), opened, groups)
    counts = {
        (school, role): (heard, people)
        for role, school, people, heard in asked.values("role", "schools")
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
    of the day, without converting every row's time to the clock."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def school_rows(schools: list[tuple[int, str]], no_school_label: str):
    """The table's rows: each school, then the people attached to no school."""
    return [*schools, (None, no_school_label)]


def visible_decisions(user):
    return Decision.objects.visible_to(user, whole_district=True)
