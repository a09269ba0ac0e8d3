"""Who sees a decision and what they may do with it: the one access rule of decisions.

The models build their managers from this module, so the rule reaches the stakeholder and
rights models through the app registry when it runs rather than by importing them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Q, Subquery

from districts.models import STAFF_ROLES, DistrictQuerySet, User, memberships_of

from .choices import (
    FINISHED_STATUSES,
    Authority,
    Involvement,
    Level,
    ProcessType,
    StakeholderKind,
    Status,
    Visibility,
)

if TYPE_CHECKING:
    from .models import Decision


# The processes where one named person (the decider, the delegate) records the decision.
NAMED_DECIDER_PROCESSES = (ProcessType.ADVICE, ProcessType.DELEGATED)


def _model(name: str):
    return apps.get_model("decisions", name)


def is_team_member(user, team_id) -> bool:
    return team_id is not None and team_id in memberships_of(user).team_ids


def matches_person(user, prefix: str = "") -> Q:
    """A Q on Stakeholder (or a relation to it) true for the groups this person belongs to.

    Groups resolve at read time (`memberships_of`, once per request), so someone who joins a
    school or a team is a stakeholder of its decisions from their next page.
    """
    groups = memberships_of(user)
    my_schools, my_teams = groups.school_ids, groups.team_ids
    kind = StakeholderKind

    def q(**lookups):
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    return (
        q(kind=kind.PERSON, person=user)
        | q(kind=kind.TEAM, team__in=my_teams)
        | q(kind=kind.SCHOOL, school__in=my_schools)
        | q(kind=kind.ROLE, role=user.role, school__isnull=True)
        | q(kind=kind.ROLE, role=user.role, school__in=my_schools)
        | q(kind=kind.DISTRICT)
    )


def stakes_of(user, involvements=None):
    """Ids of the decisions where this person is a stakeholder, alone or through a group."""
    stakes = _model("Stakeholder").objects.filter(district_id=user.district_id)
    stakes = stakes.filter(matches_person(user))
    if involvements is not None:
        stakes = stakes.filter(involvement__in=involvements)
    return stakes.values("decision_id")


def my_stake(user, involvements=None) -> Subquery:
    """One of this person's stakeholder rows on the outer decision, or NULL: a per-row probe.

    A scalar subquery is never hashed by PostgreSQL, so a page that reads decisions in index
    order and stops after a page checks a handful of decisions through the stakeholders'
    `decision_id` index, instead of first hashing every stake this person has in the
    district, which grows with the district rather than with the page.
    """
    stakes = stakes_on_outer_decision(user)
    if involvements is not None:
        stakes = stakes.filter(involvement__in=involvements)
    return Subquery(stakes.order_by().values("pk")[:1])


def stakes_on_outer_decision(user):
    stakeholders = _model("Stakeholder").objects
    return stakeholders.filter(decision=OuterRef("pk")).filter(matches_person(user))


class DecisionQuerySet(DistrictQuerySet):
    def visible_to(self, user, *, whole_district=False, has_stake=False):
        """Who sees what, in one query: district first, then the decision's visibility.

        Drafts are seen by the owning team and their writer only. Pages that read in order
        and stop after a page (lists, one decision) probe each decision's stakeholders;
        `whole_district=True` is for reads that go through most of the district (exports,
        counts): it hashes this person's stakes once instead. `has_stake=True` is for callers
        that keep only decisions where the person is a stakeholder (`involving`): the
        stakeholder part of the rule holds without asking again.
        """
        decisions = super().visible_to(user)
        if decisions.query.is_empty():  # signed out or in no district: nothing to add
            return decisions
        published = ~Q(status=Status.DRAFT)
        rule = Q(owning_team__in=memberships_of(user).team_ids) | Q(created_by=user)
        rule |= published & (Q(visibility=Visibility.PUBLIC) | Q(decider=user))
        if user.role in STAFF_ROLES:
            rule |= published & Q(visibility=Visibility.DISTRICT)
        by_stake = published & Q(visibility__in=[Visibility.DISTRICT, Visibility.STAKEHOLDERS])
        if has_stake:
            return decisions.filter(rule | by_stake)
        if whole_district:
            return decisions.filter(rule | (by_stake & Q(pk__in=stakes_of(user))))
        return decisions.alias(visible_by_stake=my_stake(user)).filter(
            rule | (by_stake & Q(visible_by_stake__isnull=False))
        )

    def with_access(self, user):
        """Annotate what `user` may do with each decision, so the predicates below need no query.

        The answers are tied to this user's id: `can_edit`, `can_decide` and `may_give_input`
        use them only when asked about the same person, and ask the database otherwise.
        """
        if not user.is_authenticated:
            return self
        # One probe of the decision's stakeholders answers both questions: the person's
        # "decides" stake comes first, "consulted" next, any other stake after, NULL when none.
        stake = (
            stakes_on_outer_decision(user)
            .order_by(
                models.Case(
                    models.When(involvement=Involvement.DECIDES, then=models.Value(0)),
                    # Then consulted: the page tells them their input is waited for.
                    models.When(involvement=Involvement.CONSULTED, then=models.Value(1)),
                    default=models.Value(2),
                )
            )
            .values("involvement")[:1]
        )
        return self.annotate(
            access_user_id=models.Value(user.pk, output_field=models.IntegerField()),
            access_stake=Subquery(stake),
        )

    def public(self):
        return self.filter(visibility=Visibility.PUBLIC).exclude(status=Status.DRAFT)

    def involving(self, user, involvements=(Involvement.AFFECTED, Involvement.CONSULTED)):
        return self.alias(involving_stake=my_stake(user, involvements)).filter(
            involving_stake__isnull=False
        )

    def search(self, text: str):
        from django.db import connection

        text = text.strip()
        if not text:
            return self
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            vector = SearchVector("title", "context", "outcome", "rationale", "number")
            return self.annotate(search=vector).filter(
                Q(search=SearchQuery(text, search_type="websearch")) | Q(number__iexact=text)
            )
        return self.filter(
            Q(title__icontains=text)
            | Q(context__icontains=text)
            | Q(outcome__icontains=text)
            | Q(rationale__icontains=text)
            | Q(number__iexact=text)
        )


NOT_LOADED = object()


def _loaded_stake(user, decision: Decision):
    """The involvement `DecisionQuerySet.with_access` loaded for this very user (None: no
    stake), or NOT_LOADED when the decision was read without it or for someone else."""
    if getattr(decision, "access_user_id", None) != user.pk:
        return NOT_LOADED
    return decision.access_stake


def _on_owning_team(user, decision: Decision) -> bool:
    return is_team_member(user, decision.owning_team_id)


def can_write_versions(user, decision: Decision) -> bool:
    """A public decision's versions in other languages: its writer, its owning team and the
    district's leaders write them, at any stage (families read the outcome after it)."""
    if not user.is_authenticated or decision.visibility != Visibility.PUBLIC:
        return False
    return (
        decision.created_by_id == user.pk
        or user.is_district_leader
        or _on_owning_team(user, decision)
    )


def can_edit(user, decision: Decision) -> bool:
    """The owning team and the writer shape a decision until it is decided."""
    if not user.is_authenticated or decision.status in FINISHED_STATUSES:
        return False
    return decision.created_by_id == user.pk or _on_owning_team(user, decision)


def is_named_decider(user, decision: Decision) -> bool:
    """The one person an advice process or a delegation names decides, whatever their teams."""
    return (
        decision.decider_id is not None
        and decision.decider_id == user.pk
        and decision.process_type in NAMED_DECIDER_PROCESSES
    )


def can_decide(user, decision: Decision) -> bool:
    """The owning team, the named decider, or people named as deciders. The rights map is
    checked by the flags."""
    if not user.is_authenticated:
        return False
    if decision.created_by_id == user.pk or _on_owning_team(user, decision):
        return True
    if is_named_decider(user, decision):
        return True
    stake = _loaded_stake(user, decision)
    if stake is not NOT_LOADED:
        return stake == Involvement.DECIDES
    return (
        decision.stakeholders.filter(involvement=Involvement.DECIDES)
        .filter(matches_person(user))
        .exists()
    )


def may_give_input(user, decision: Decision) -> bool:
    """Staff of the district give input on what they can see; others where they are stakeholders."""
    if not user.is_authenticated or user.district_id != decision.district_id:
        return False
    if user.role in STAFF_ROLES:
        return True
    stake = _loaded_stake(user, decision)
    if stake is not NOT_LOADED:
        return stake is not None
    return decision.stakeholders.filter(matches_person(user)).exists()


def people_of(decision: Decision, involvements=None):
    """Everyone a decision's stakeholder groups resolve to, in one query."""
    stakeholders = list(decision.stakeholders.all())
    if involvements is not None:
        stakeholders = [s for s in stakeholders if s.involvement in involvements]
    if not stakeholders:
        return User.objects.none()
    q = Q()
    for stakeholder in stakeholders:
        q |= stakeholder.people_q()
    return (
        User.objects.filter(district_id=decision.district_id, is_active=True)
        .filter(pk__in=User.objects.filter(q).values("pk"))
        .order_by("name")
    )


def holds_right(user, decision: Decision, rights=None) -> bool:
    """Whether the map gives this person the right to decide this decision."""
    if user is None:
        return False
    if rights is None:
        rights = _model("DecisionRight").objects.filter(
            district_id=decision.district_id, authority=Authority.DECIDES
        )
    levels = {decision.level, Level.TEAM}
    candidates = [
        r
        for r in rights
        if r.domain == decision.domain and r.level in levels and r.authority == Authority.DECIDES
    ]
    if not candidates:
        return False
    groups = memberships_of(user)
    my_teams, my_schools = set(groups.team_ids), set(groups.school_ids)
    for right in candidates:
        if right.level == Level.TEAM and right.team_id != decision.owning_team_id:
            continue
        if right.team_id and right.team_id in my_teams:
            return True
        if (
            right.role
            and right.role == user.role
            and (right.level != Level.SCHOOL or decision.school_id in my_schools)
        ):
            return True
    return False
