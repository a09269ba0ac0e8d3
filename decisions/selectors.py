"""Reads shared by the pages of this app and the district home."""

from __future__ import annotations

import datetime
import json

from django.db import connections, router
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import LeadershipTeam, Role, School, TeamMembership

from .models import (
    Authority,
    Decision,
    DecisionRight,
    Input,
    Involvement,
    Level,
    Reflection,
    Stakeholder,
    Status,
    anonymous_keys,
)
from .processes import status_is

ACTIVE = [Status.OPEN_FOR_INPUT, Status.DECIDING]

SOON_DAYS = 7
# Made and still in force: a reflection is due from these once the review date has passed.
REFLECTING_STATUSES = [Status.DECIDED, Status.IMPLEMENTING, Status.REVIEWING]


def due_soon(now: datetime.datetime | None = None) -> Q:
    """Decisions with a date in the coming week: a window closing, or (deciding) a decide-by."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return Q(
        status__in=[Status.DRAFT, Status.OPEN_FOR_INPUT],
        input_closes__gte=now,
        input_closes__lte=now + datetime.timedelta(days=SOON_DAYS),
    ) | Q(
        status=Status.DECIDING,
        decide_by__gte=today,
        decide_by__lte=today + datetime.timedelta(days=SOON_DAYS),
    )


def reflection_due(today: datetime.date | None = None) -> Q:
    """Decided decisions past their review date that nobody has reflected on yet."""
    today = today or timezone.localdate()
    reflected = Reflection.objects.filter(decision=OuterRef("pk"))
    return Q(status__in=REFLECTING_STATUSES, review_on__lt=today) & ~Q(Exists(reflected))


def has_flag(code: str) -> Q:
    """Decisions whose stored flags hold `code`.

    PostgreSQL asks jsonb containment; SQLite has no such lookup, and reads the list as JSON
    text, where each code stands in quotes.
    """
    if connections[router.db_for_read(Decision)].vendor == "postgresql":
        return Q(flag_codes__contains=[code])
    return Q(flag_codes__icontains=f'"{code}"')


def with_list_relations(decisions):
    return decisions.select_related("school", "owning_team")


# "Affects me" reads in stages, each in the order of its own index: open windows, soonest to
# close; then the decisions being made (a window past its closing time among them, by the
# clock); then the ones made, most recent first; last, the ones that ended without being
# decided (withdrawn early), newest first.
_ENDED = tuple(s for s in Status if s not in (Status.DRAFT, Status.OPEN_FOR_INPUT, Status.DECIDING))
AFFECTS_ME_STAGES = (
    ((Status.OPEN_FOR_INPUT,), None, ("input_closes", "pk")),
    ((Status.DECIDING,), None, ("input_closes", "pk")),
    (_ENDED, Q(decided_at__isnull=False), ("-decided_at", "-pk")),
    (_ENDED, Q(decided_at__isnull=True), ("-created_at", "-pk")),
)


def _stage_filter(statuses, when, now) -> Q:
    if when is None:  # read by the clock
        return status_is(statuses[0], now)
    return Q(status__in=statuses) & when


# Who sees a decision in "Affects me": the people asked for input and those kept informed.
AFFECTS_ME_INVOLVEMENTS = (Involvement.CONSULTED, Involvement.AFFECTED, Involvement.INFORMED)


def my_role(user):
    """This person's strongest stake in the outer decision: consulted, then affected, then informed."""
    from django.db.models import Subquery

    from .access import stakes_on_outer_decision

    rank = Case(
        When(involvement=Involvement.CONSULTED, then=Value(0)),
        When(involvement=Involvement.AFFECTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    stakes = stakes_on_outer_decision(user).filter(involvement__in=AFFECTS_ME_INVOLVEMENTS)
    return Subquery(stakes.order_by(rank).values("involvement")[:1])


def mark_responded(user, decisions) -> None:
    """Set `responded` on each row: this person's named input, or, while the window is
    open, their own sealed key. One query for the page; only this person sees it."""
    from .models import Input, anonymous_key

    rows = list(decisions)
    if not rows:
        return
    ids = [d.pk for d in rows]
    # Anonymous input counts only while its window is open, when the answer tells the person
    # whether to respond; afterwards their pages read the same whoever wrote it.
    keys = [anonymous_key(d.pk, user.pk) for d in rows if d.current_status == Status.OPEN_FOR_INPUT]
    responded = set(
        Input.objects.filter(district_id=user.district_id, decision_id__in=ids)
        .filter(Q(author=user) | Q(anonymous_key__in=keys))
        .values_list("decision_id", flat=True)
    )
    for decision in rows:
        decision.responded = decision.pk in responded


def affects_me(user, status: str | None = None) -> list:
    """Decisions that affect me or ask my advice, as a chain of querysets for `cursor_page`.

    `status` keeps only the stage that holds it.
    """
    involving = with_list_relations(
        Decision.objects.involving(user, AFFECTS_ME_INVOLVEMENTS)
        .visible_to(user, has_stake=True)
        .annotate(my_role=my_role(user))
    )
    now = timezone.now()
    return [
        involving.filter(
            _stage_filter(statuses, when, now),
            *([status_is(status, now)] if status else []),
        ).order_by(*ordering)
        for statuses, when, ordering in AFFECTS_ME_STAGES
        if not status or status in statuses
    ]


def steward_team_ids(user):
    return _stewardships(user).values("team_id")


def flagged(user):
    """Flagged decisions of the district; the ones whose team I steward first."""
    return with_list_relations(
        Decision.objects.visible_to(user, whole_district=True)
        .exclude(flag_codes=[])
        .annotate(
            mine=Case(
                When(owning_team__in=steward_team_ids(user), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("mine", "-decided_at", "-pk")
    )


def _stewardships(user):
    return TeamMembership.objects.current().filter(
        user=user, team_role=TeamMembership.TeamRole.INTEGRITY_STEWARD
    )


def home_annotations(user) -> dict:
    """What `home_summary` needs to know up front, as annotations on the district's query."""
    if not user.is_authenticated or user.district_id is None:
        return {}
    return {"decisions_is_steward": Exists(_stewardships(user))}


def home_summary(user, district=None) -> dict:
    """Open decisions that affect me and, for integrity stewards, their teams' flagged ones.

    `district`, when given, carries `home_annotations(user)` and saves a query.
    """
    if not user.is_authenticated or user.district_id is None:
        return {}
    open_for_me = list(affects_me(user, Status.OPEN_FOR_INPUT)[0][:5])
    stewarded = []
    is_steward = getattr(district, "decisions_is_steward", None)
    if is_steward is None:
        is_steward = _stewardships(user).exists()
    if is_steward:
        stewarded = list(
            with_list_relations(
                Decision.objects.visible_to(user)
                .exclude(flag_codes=[])
                .filter(owning_team__in=steward_team_ids(user))
                .order_by("-decided_at", "-pk")
            )[:5]
        )
    return {"open_for_me": open_for_me, "stewarded": stewarded, "enabled": True}


def suggest_stakeholders(
    *, user, domain: str, school: School | None, team: LeadershipTeam | None
) -> list[tuple[str, str]]:
    """Checkbox choices for the create form, from the rights map and who the decision touches."""
    level = Level.SCHOOL if school else Level.DISTRICT
    rights = (
        DecisionRight.objects.visible_to(user)
        .filter(domain=domain)
        .filter(Q(level=level) | Q(level=Level.TEAM))
        .select_related("team")
    )
    choices: list[tuple[str, str]] = []
    seen = set()

    def add(value, label):
        if value not in seen:
            seen.add(value)
            choices.append((value, label))

    for right in rights:
        involvement = (
            Involvement.DECIDES if right.authority == Authority.DECIDES else Involvement.CONSULTED
        )
        if right.level == Level.TEAM and team is not None and right.team_id not in (None, team.pk):
            continue
        if right.team_id:
            add(
                f"team:{right.team_id}:{involvement}",
                _("%(team)s (%(involvement)s, from the rights map)")
                % {"team": right.team, "involvement": involvement.label.lower()},
            )
        else:
            school_part = school.pk if school and right.level == Level.SCHOOL else ""
            roles = f"{Role(right.role).label}s"
            if school_part:
                roles = _("%(roles)s at %(school)s") % {"roles": roles, "school": school}
            add(
                f"role:{right.role}:{school_part}:{involvement}",
                _("%(roles)s (%(involvement)s, from the rights map)")
                % {"roles": roles, "involvement": involvement.label.lower()},
            )
    if team is not None:
        add(
            f"team:{team.pk}:{Involvement.DECIDES}",
            _("%(team)s (decides, the owning team)") % {"team": team},
        )
    if school is not None:
        add(
            f"role:{Role.TEACHER}:{school.pk}:{Involvement.CONSULTED}",
            _("Teachers at %(school)s (consulted)") % {"school": school},
        )
        add(
            f"school:{school.pk}:{Involvement.AFFECTED}",
            _("Everyone at %(school)s (affected)") % {"school": school},
        )
    else:
        add(f"district::{Involvement.AFFECTED}", _("The whole district (affected)"))
    return choices


def parse_suggestion(value: str, user) -> dict | None:
    """Turn a checked suggestion back into stakeholder fields, scoped to the user's district."""
    parts = value.split(":")
    try:
        kind = parts[0]
        involvement = Involvement(parts[-1])
        if kind == Stakeholder.Kind.TEAM:
            team = LeadershipTeam.objects.visible_to(user).get(pk=int(parts[1]))
            return {"kind": kind, "team": team, "involvement": involvement}
        if kind == Stakeholder.Kind.ROLE:
            school = School.objects.visible_to(user).get(pk=int(parts[2])) if parts[2] else None
            return {
                "kind": kind,
                "role": Role(parts[1]),
                "school": school,
                "involvement": involvement,
            }
        if kind == Stakeholder.Kind.SCHOOL:
            school = School.objects.visible_to(user).get(pk=int(parts[1]))
            return {"kind": kind, "school": school, "involvement": involvement}
        if kind == Stakeholder.Kind.DISTRICT:
            return {"kind": kind, "involvement": involvement}
    except (IndexError, ValueError, LeadershipTeam.DoesNotExist, School.DoesNotExist):
        return None
    return None


# How many of the newest decisions "My input" looks through for this person's anonymous input.
def one_of(values: list[str]) -> RawSQL:
    """`values` bound as one parameter: a large district's thousands of keys would pass
    SQLite's limit on parameters, and make PostgreSQL parse a statement as long."""
    if connections[router.db_for_read(Input)].vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::varchar[])", [values])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])


def my_input(user):
    """This person's input, named and anonymous, newest day first.

    Anonymous input is found by its sealed key, computed here for every decision this person
    can see, while they read the page: nothing stored links them to it. The keys meet an
    index on the key, so the database reads only this person's rows, in a district of any size.
    """
    ids = (
        Decision.objects.visible_to(user)
        .exclude(status=Status.DRAFT)
        .order_by()
        .values_list("pk", flat=True)
    )
    keys = anonymous_keys(ids, user.pk)
    named = Input.objects.filter(district_id=user.district_id, author=user)
    anonymous = Input.objects.filter(district_id=user.district_id, anonymous_key__in=one_of(keys))
    # Each part reads its own index (an OR of the two would read every input of the district).
    return (
        Input.objects.filter(pk__in=named.values("pk").union(anonymous.values("pk")))
        .select_related("decision")
        .order_by("-given_on", "kind", "id")
    )
