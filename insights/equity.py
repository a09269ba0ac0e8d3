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

from django.db import connections, router
from django.db.models import Count, Exists, OuterRef, Q

from decisions.choices import Involvement, StakeholderKind
from decisions.models import Decision, Input, Stakeholder, Turnout
from districts.models import Role, TeamMembership, User
from rounding.models import Conversation, RoleGroup

from .themes import shown


def _compiled(queryset) -> tuple[str, list]:
    connection = connections[router.db_for_read(queryset.model)]
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


def consulted_people_sql(decisions) -> tuple[str, list]:
    """SQL for (decision_id, user_id, heard): everyone the consulted groups of `decisions`
    stand for today (active people of the district), and whether they were heard.

    Heard as on the decision page: named input, or a vote cast (who voted is named, never
    how). The groups resolve in the database, kind by kind, so a page reads one row per
    figure however many decisions and people there are.
    """
    qn = connections[router.db_for_read(User)].ops.quote_name
    st, tm, us = (
        qn(Stakeholder._meta.db_table),
        qn(TeamMembership._meta.db_table),
        qn(User.schools.through._meta.db_table),
    )
    users, inputs, turnout = (
        qn(User._meta.db_table),
        qn(Input._meta.db_table),
        qn(Turnout._meta.db_table),
    )
    decision_sql, decision_params = _compiled(decisions.values("id").order_by())
    where = f"s.involvement = %s AND s.decision_id IN ({decision_sql})"
    where_params = [Involvement.CONSULTED, *decision_params]
    parts = [
        (
            f"SELECT s.decision_id, s.person_id AS user_id FROM {st} s WHERE s.kind = %s",
            StakeholderKind.PERSON,
        ),
        (
            f"SELECT s.decision_id, m.user_id FROM {st} s JOIN {tm} m "
            "ON m.team_id = s.team_id AND m.left_on IS NULL WHERE s.kind = %s",
            StakeholderKind.TEAM,
        ),
        (
            f"SELECT s.decision_id, us.user_id FROM {st} s JOIN {us} us "
            "ON us.school_id = s.school_id WHERE s.kind = %s",
            StakeholderKind.SCHOOL,
        ),
        (
            f"SELECT s.decision_id, u.id FROM {st} s JOIN {users} u "
            "ON u.role = s.role AND u.district_id = s.district_id "
            "WHERE s.school_id IS NULL AND s.kind = %s",
            StakeholderKind.ROLE,
        ),
        (
            f"SELECT s.decision_id, u.id FROM {st} s JOIN {users} u ON u.role = s.role "
            f"JOIN {us} us ON us.user_id = u.id AND us.school_id = s.school_id WHERE s.kind = %s",
            StakeholderKind.ROLE,
        ),
        (
            f"SELECT s.decision_id, u.id FROM {st} s JOIN {users} u "
            "ON u.district_id = s.district_id WHERE s.kind = %s",
            StakeholderKind.DISTRICT,
        ),
    ]
    union = " UNION ".join(f"{sql} AND {where}" for sql, _kind in parts)
    params: list = []
    for _sql, kind in parts:
        params += [str(kind), *where_params]
    sql = (
        "SELECT p.decision_id, p.user_id, CASE WHEN "
        f"EXISTS (SELECT 1 FROM {inputs} i WHERE i.decision_id = p.decision_id "
        "AND i.author_id = p.user_id) "
        f"OR EXISTS (SELECT 1 FROM {turnout} t WHERE t.decision_id = p.decision_id "
        "AND t.person_id = p.user_id) THEN 1 ELSE 0 END AS heard "
        f"FROM ({union}) p JOIN {users} pu ON pu.id = p.user_id "
        "WHERE pu.is_active = %s"
    )
    return sql, [*params, True]


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
    named = Input.objects.filter(
        decision__in=decisions.values("pk"),
        author=OuterRef("pk"),
        is_anonymous=False,
        given_on__gte=since,
    )
    counts = {
        (school, role): (gave, people)
        for role, school, people, gave in User.objects.filter(
            district_id=district_id, is_active=True
        )
        .values("role", "schools")
        .annotate(
            people=Count("pk", distinct=True),
            gave=Count("pk", distinct=True, filter=Q(Exists(named))),
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


def consulted_responded(decisions, *, since: datetime.date, schools) -> Table:
    """Of the people consulted on decisions opened for input in the period, who responded."""
    opened = decisions.filter(input_opens__date__gte=since).exclude(status="draft")
    pairs_sql, params = consulted_people_sql(opened)
    qn = connections[router.db_for_read(User)].ops.quote_name
    users, us = qn(User._meta.db_table), qn(User.schools.through._meta.db_table)
    sql = (
        "SELECT u.role, us.school_id, COUNT(DISTINCT c.user_id), "
        "COUNT(DISTINCT CASE WHEN c.heard = 1 THEN c.user_id END) "
        f"FROM ({pairs_sql}) c JOIN {users} u ON u.id = c.user_id "
        f"LEFT JOIN {us} us ON us.user_id = u.id GROUP BY u.role, us.school_id"
    )
    with connections[router.db_for_read(User)].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counts = {(school, role): (heard, asked) for role, school, asked, heard in rows}
    return _table(counts, HEARD_ROLES, schools, with_whole=True)


def school_rows(schools: list[tuple[int, str]], no_school_label: str):
    """The table's rows: each school, then the people attached to no school."""
    return [*schools, (None, no_school_label)]


def visible_decisions(user):
    return Decision.objects.visible_to(user, whole_district=True)
