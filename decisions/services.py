"""Writes across the decision's rows. Each validates before it saves and writes its history.

Every write to a decision, its stakeholders, input, events or reflections ends with
`refresh_flags(decision)`, so the stored flag codes that lists, exports and the home page
read never drift from `integrity_flags(decision)`. The admin goes through these functions too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from districts.models import (
    District,
    GuidingPrinciple,
    LeadershipTeam,
    Memberships,
    School,
    TeamMembership,
    User,
)

from .engine import (
    MOVES,
    decision_change_process,
    decision_decide,
    decision_move,
    decision_open_input,
    decision_supersede,
    decision_update,
    has_voted,
    input_give,
    input_resolve,
    input_respond,
    is_author,
    vote_cast,
)
from .integrity import refresh_flags
from .models import (
    DECIDED_STATUSES,
    Decision,
    DecisionEvent,
    DecisionPrinciple,
    DecisionRight,
    Domain,
    Reflection,
    Stakeholder,
    Status,
    anonymous_key,
    holds_right,
)
from .notices import decided_send

# The writes of a decision's state live in the engine; they are named here too, so callers
# reach every write of the app through one module.
__all__ = [
    "MOVES",
    "decision_change_process",
    "decision_decide",
    "decision_move",
    "decision_open_input",
    "decision_supersede",
    "decision_update",
    "has_voted",
    "input_give",
    "input_resolve",
    "input_respond",
    "is_author",
    "vote_cast",
]


@transaction.atomic
def decision_create(
    *,
    district: District,
    by: User,
    title: str,
    context: str,
    stakeholders: Iterable[dict] = (),
    **fields,
) -> Decision:
    decision = Decision(
        district=district, created_by=by, title=title.strip(), context=context.strip(), **fields
    )
    decision.full_clean(exclude=["number"])
    decision.save()
    DecisionEvent.record(decision=decision, actor=by, kind=DecisionEvent.Kind.CREATED)
    for stakeholder in stakeholders:
        stakeholder_add(decision=decision, by=by, **stakeholder)
    refresh_flags(decision)
    return decision


@transaction.atomic
def stakeholder_add(
    *,
    decision: Decision,
    by: User | None,
    kind: str,
    involvement: str,
    person: User | None = None,
    team: LeadershipTeam | None = None,
    school: School | None = None,
    role: str = "",
) -> Stakeholder:
    stakeholder = Stakeholder(
        district_id=decision.district_id,
        decision=decision,
        kind=kind,
        involvement=involvement,
        person=person if kind == Stakeholder.Kind.PERSON else None,
        team=team if kind == Stakeholder.Kind.TEAM else None,
        school=school if kind in (Stakeholder.Kind.SCHOOL, Stakeholder.Kind.ROLE) else None,
        role=role if kind == Stakeholder.Kind.ROLE else "",
    )
    stakeholder.full_clean()
    stakeholder.save()
    if decision.status != Status.DRAFT:
        DecisionEvent.record(
            decision=decision,
            actor=by,
            kind=DecisionEvent.Kind.STAKEHOLDER,
            new=str(stakeholder),
            note="added",
        )
    refresh_flags(decision)
    return stakeholder


@transaction.atomic
def stakeholder_change(*, stakeholder: Stakeholder, by: User | None, before: str) -> Stakeholder:
    """Save a stakeholder changed in place (the admin's inline); `before` is how it read."""
    decision = stakeholder.decision
    # The same rule as `stakeholder_add`: only the fields its kind names are kept.
    kind = stakeholder.kind
    if kind != Stakeholder.Kind.PERSON:
        stakeholder.person = None
    if kind != Stakeholder.Kind.TEAM:
        stakeholder.team = None
    if kind not in (Stakeholder.Kind.SCHOOL, Stakeholder.Kind.ROLE):
        stakeholder.school = None
    if kind != Stakeholder.Kind.ROLE:
        stakeholder.role = ""
    stakeholder.full_clean()
    stakeholder.save()
    if decision.status != Status.DRAFT and str(stakeholder) != before:
        DecisionEvent.record(
            decision=decision,
            actor=by,
            kind=DecisionEvent.Kind.STAKEHOLDER,
            old=before,
            new=str(stakeholder),
            note="changed",
        )
    refresh_flags(decision)
    return stakeholder


@transaction.atomic
def stakeholder_remove(*, stakeholder: Stakeholder, by: User | None) -> None:
    decision = stakeholder.decision
    if decision.status != Status.DRAFT:
        DecisionEvent.record(
            decision=decision,
            actor=by,
            kind=DecisionEvent.Kind.STAKEHOLDER,
            old=str(stakeholder),
            note="removed",
        )
    stakeholder.delete()
    refresh_flags(decision)


@transaction.atomic
def principle_test(
    *, decision: Decision, principle: GuidingPrinciple, note: str, by: User
) -> DecisionPrinciple:
    link, created = DecisionPrinciple.objects.get_or_create(
        decision=decision, principle=principle, defaults={"note": note.strip()}
    )
    link.full_clean()
    if not created and link.note != note.strip():
        if decision.status != Status.DRAFT:
            DecisionEvent.record(
                decision=decision,
                actor=by,
                field="",
                old=link.note,
                new=note.strip(),
                note=f"Note on “{principle.title}”",
            )
        link.note = note.strip()
        link.save()
    elif created and decision.status != Status.DRAFT:
        DecisionEvent.record(
            decision=decision, actor=by, new=note.strip(), note=f"Tested against “{principle}”"
        )
    refresh_flags(decision)
    return link


def has_given_anonymous(decision: Decision, user: User, inputs=None) -> bool:
    """Whether this person's sealed key is among the decision's input.

    Pass the decision's input when it is already loaded (the page shows it all) to skip a query.
    """
    key = anonymous_key(decision.pk, user.pk)
    if inputs is not None:
        return any(entry.anonymous_key == key for entry in inputs)
    return decision.inputs.filter(anonymous_key=key).exists()


@transaction.atomic
def decision_inform(*, decision: Decision, by: User | None) -> int:
    """Tell every stakeholder what was decided, and keep that as an event."""
    sent = decided_send(decision=decision, by=by)
    refresh_flags(decision)
    return sent


@transaction.atomic
def reflection_add(*, decision: Decision, by: User, **fields) -> Reflection:
    if not decision.is_decided:
        raise ValidationError(_("Reflect once the decision has been made and lived with."))
    reflection = Reflection(
        district_id=decision.district_id, decision=decision, author=by, **fields
    )
    reflection.full_clean()
    reflection.save()
    DecisionEvent.record(
        decision=decision,
        actor=by,
        kind=DecisionEvent.Kind.REFLECTION,
        new=reflection.get_verdict_display(),
    )
    refresh_flags(decision)
    return reflection


def flags_refresh_for_rights(*, district_id: int, domains: Iterable[str]) -> int:
    """The rights map changed: the "no right" flag of decisions decided in these domains may too.

    Only that flag reads the map, so only it is worked out again, for every such decision in
    a few queries, in the same transaction as the change: no worker is needed for the flags
    to be right. With no map, nobody's right is checked: when the map holds one line or none,
    it may just have started or stopped being a map, and every domain is refreshed.
    """
    rights = list(DecisionRight.objects.filter(district_id=district_id).select_related("team"))
    if len(rights) <= 1:
        domains = Domain.values
    decisions = list(
        Decision.objects.filter(
            district_id=district_id,
            domain__in=list(domains),
            status__in=DECIDED_STATUSES,
            decided_at__isnull=False,
        ).only("domain", "school_id", "owning_team_id", "decided_by_id", "flag_codes")
    )
    deciders = _with_memberships({d.decided_by_id for d in decisions if d.decided_by_id})
    changed = []
    for decision in decisions:
        lacks = bool(rights) and not holds_right(
            deciders.get(decision.decided_by_id), decision, rights
        )
        codes = set(decision.flag_codes) - {"no_right"} | ({"no_right"} if lacks else set())
        if sorted(codes) != decision.flag_codes:
            decision.flag_codes = sorted(codes)
            changed.append(decision)
    Decision.objects.bulk_update(changed, ["flag_codes"], batch_size=500)
    return len(changed)


def _with_memberships(person_ids: set[int]) -> dict[int, User]:
    """These people, each with their teams and schools loaded: two queries for any number."""
    people = {person.pk: person for person in User.objects.filter(pk__in=person_ids)}
    teams: dict[int, list[int]] = {pk: [] for pk in people}
    schools: dict[int, list[int]] = {pk: [] for pk in people}
    for person_id, team_id in (
        TeamMembership.objects.current()
        .filter(user_id__in=people)
        .values_list("user_id", "team_id")
    ):
        teams[person_id].append(team_id)
    for person_id, school_id in User.schools.through.objects.filter(user_id__in=people).values_list(
        "user_id", "school_id"
    ):
        schools[person_id].append(school_id)
    for pk, person in people.items():
        person._memberships = Memberships.of(teams[pk], schools[pk])
    return people
