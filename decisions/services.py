"""Writes across the decision's rows. Each validates before it saves and writes its history.

Every write to a decision, its stakeholders, input, events or reflections ends with
`refresh_flags(decision)`, so the stored flag codes that lists, exports and the home page
read never drift from `integrity_flags(decision)`. The admin goes through these functions too.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.bounds import one_line
from districts.models import (
    District,
    GuidingPrinciple,
    LeadershipTeam,
    School,
    Theme,
    User,
)

from .choices import kind_fits
from .integrity import refresh_flags
from .mechanics import (
    decision_change_process,
    has_voted,
    input_resolve,
    is_author,
    vote_cast,
)
from .models import (
    DECIDED_STATUSES,
    TRACKED_FIELDS,
    Decision,
    DecisionEvent,
    DecisionPrinciple,
    DecisionRight,
    Domain,
    Input,
    NoticeKind,
    Reflection,
    Stakeholder,
    Status,
    anonymous_key,
    can_decide,
    may_give_input,
    people_of,
)
from .notices import loopback_send, notify_once, window_opened_send

__all__ = [
    "decision_change_process",
    "has_voted",
    "input_resolve",
    "is_author",
    "vote_cast",
]


def _display(decision: Decision, field: str) -> str:
    value = getattr(decision, field)
    if value is None:
        return ""
    if hasattr(decision, f"get_{field}_display"):
        return getattr(decision, f"get_{field}_display")()
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


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
def decision_update(*, decision: Decision, by: User, **fields) -> list[str]:
    """Change fields; once out of draft, each change is kept as old → new in the history."""
    if decision.status in (Status.CLOSED, Status.WITHDRAWN, Status.SUPERSEDED):
        raise ValidationError(_("A closed, withdrawn or superseded decision cannot be edited."))
    before = {field: _display(decision, field) for field in fields if field in TRACKED_FIELDS}
    for field, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(decision, field, value)
    decision.full_clean(exclude=["number"])
    changed = [f for f in before if _display(decision, f) != before[f]]
    decision.save()
    if decision.status != Status.DRAFT:
        for field in changed:
            DecisionEvent.record(
                decision=decision,
                actor=by,
                field=field,
                old=before[field],
                new=_display(decision, field),
            )
    refresh_flags(decision)
    return changed


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


# ----- the process


@transaction.atomic
def decision_open_input(
    *,
    decision: Decision,
    by: User,
    opens: datetime.datetime | None = None,
    closes: datetime.datetime | None = None,
) -> Decision:
    if opens is not None or closes is not None:
        decision_update(
            decision=decision,
            by=by,
            input_opens=opens or decision.input_opens,
            input_closes=closes or decision.input_closes,
        )
    decision.open_input(by=by)
    refresh_flags(decision)
    window_opened_send(decision)
    return decision


@transaction.atomic
def input_give(
    *,
    decision: Decision,
    by: User,
    kind: str,
    text: str,
    anonymous: bool = False,
    themes: Iterable[Theme] = (),
) -> Input:
    if not decision.window_is_open:
        raise ValidationError(_("The input window is not open, so input cannot be given now."))
    if not may_give_input(by, decision):
        raise ValidationError(
            _("Input on this decision comes from staff and the people it names as involved.")
        )
    if not text.strip():
        raise ValidationError({"text": _("Write your input.")})
    if not kind_fits(kind, decision.process_type):
        raise ValidationError(
            {"kind": _("Choose one of the kinds of input this process asks for.")}
        )
    entry = Input(
        district_id=decision.district_id,
        decision=decision,
        kind=kind,
        text=text.strip(),
        is_anonymous=anonymous,
        author=None if anonymous else by,
        anonymous_key=anonymous_key(decision.pk, by.pk) if anonymous else None,
    )
    # The relations are the rows in hand and the id is random: check the fields, not the
    # database (which would cost a query per relation and one for the id).
    entry.full_clean(
        exclude=["district", "decision", "author"],
        validate_unique=False,
        validate_constraints=False,
    )
    if anonymous:
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            raise ValidationError(
                _(
                    "You have already given anonymous input on this decision; "
                    "one each keeps it fair."
                )
            ) from None
    else:
        entry.save()  # named input has no constraint that can fail here
    themes = [t for t in themes if t.district_id == decision.district_id]
    if themes:
        entry.themes.set(themes)
    # Deliberately no history event and no notice: their time would point at the author.
    # The flags read named input only, so refreshing them tells nothing of anonymous input.
    refresh_flags(decision)
    return entry


def has_given_anonymous(decision: Decision, user: User, inputs=None) -> bool:
    """Whether this person's sealed key is among the decision's input.

    Pass the decision's input when it is already loaded (the page shows it all) to skip a query.
    """
    key = anonymous_key(decision.pk, user.pk)
    if inputs is not None:
        return any(entry.anonymous_key == key for entry in inputs)
    return decision.inputs.filter(anonymous_key=key).exists()


@transaction.atomic
def input_respond(*, entry: Input, by: User, response: str, changed_decision: bool) -> Input:
    if not can_decide(by, entry.decision):
        raise ValidationError(_("Only the people deciding answer input."))
    entry.response = response.strip()
    entry.changed_decision = changed_decision
    entry.responded_by = by
    entry.save(update_fields=["response", "changed_decision", "responded_by"])
    loopback_send(entry)
    DecisionEvent.record(
        decision=entry.decision,
        actor=by,
        kind=DecisionEvent.Kind.INPUT_RESPONSE,
        note=(
            f"Answered {entry.get_kind_display().lower()}"
            + (" and marked it as changing the decision" if changed_decision else "")
        ),
    )
    refresh_flags(entry.decision)
    return entry


@transaction.atomic
def decision_decide(
    *, decision: Decision, by: User, outcome: str, rationale: str = "", heard: str | None = None
) -> Decision:
    decision.decide(by=by, outcome=outcome, rationale=rationale, heard=heard)
    _inform(decision=decision, by=by)
    refresh_flags(decision)
    return decision


@transaction.atomic
def decision_inform(*, decision: Decision, by: User | None) -> int:
    """Tell every stakeholder what was decided, and keep that as an event."""
    sent = _inform(decision=decision, by=by)
    refresh_flags(decision)
    return sent


def _inform(*, decision: Decision, by: User | None) -> int:
    sent = notify_once(
        decision=decision,
        people=people_of(decision),
        kind=NoticeKind.DECIDED,
        subject=_("Decided: %(title)s") % {"title": one_line(decision.title)},
        body=f"{decision.number}: {decision.outcome[:300]}\n\n"
        + _(
            "If you gave input, anonymous or named, the deciders' answers are in your "
            "“My input” page."
        ),
    )
    DecisionEvent.record(
        decision=decision,
        actor=by,
        kind=DecisionEvent.Kind.INFORMED,
        new=str(len(sent)),
        note=f"{len(sent)} {'person' if len(sent) == 1 else 'people'} notified of the outcome",
    )
    return len(sent)


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


@transaction.atomic
def decision_supersede(*, decision: Decision, newer: Decision, by: User) -> Decision:
    decision.supersede(by=by, newer=newer)
    DecisionEvent.record(
        decision=newer, actor=by, note=f"Supersedes {decision.number} {decision.title}"
    )
    refresh_flags(decision)
    refresh_flags(newer)
    return decision


# The lifecycle steps a button (or the admin) may take, each a method of the decision.
MOVES = {
    "close_input": lambda decision, by, reason: decision.close_input(by=by),
    "implement": lambda decision, by, reason: decision.start_implementing(by=by),
    "review": lambda decision, by, reason: decision.start_review(by=by),
    "close": lambda decision, by, reason: decision.close(by=by),
    "withdraw": lambda decision, by, reason: decision.withdraw(by=by, reason=reason),
}


@transaction.atomic
def decision_move(
    *, decision: Decision, by: User | None, action: str, reason: str = ""
) -> Decision:
    """One step of the lifecycle (close input, implement, review, close, withdraw)."""
    if action not in MOVES:
        raise ValidationError(_("That is not a step a decision can take."))
    MOVES[action](decision, by, reason)
    refresh_flags(decision)
    return decision


def flags_refresh_for_rights(*, district_id: int, domains: Iterable[str]) -> int:
    """The rights map changed: the "no right" flag of decisions decided in these domains may too.

    With no map, nobody's right is checked: when the map holds one line or none, it may just
    have started or stopped being a map, and every domain is refreshed.
    """
    if DecisionRight.objects.filter(district_id=district_id).count() <= 1:
        domains = Domain.values
    decisions = Decision.objects.filter(
        district_id=district_id,
        domain__in=list(domains),
        status__in=DECIDED_STATUSES,
        decided_at__isnull=False,
    ).select_related("district", "decided_by")
    refreshed = 0
    for decision in decisions.iterator(chunk_size=200):
        refresh_flags(decision)
        refreshed += 1
    return refreshed
