"""The process engine: the one write path for a decision's state.

Every change of a decision's status, process, secrecy, input window, deciders, ballots,
objections, blocks and answers to input goes through a function here, from the pages, the
admin, the scheduled tasks and `seed_demo` alike. Each one:

1. locks the decision and settles it by the clock (a window whose closing time has passed is
   closed first, so every step sees the state the pages show);
2. asks `processes.STEPS` whether this person may take the step in this state, and the
   process's own rules (`processes.*_refusals`) whether it may be taken now;
3. writes, with its history event in the same transaction;
4. ends with `refresh_flags`, so the stored flags always equal the live ones.

A person who may not take a step gets `PermissionDenied` with the reason (a 403 page that
says it); a step refused by the process's rules gets `ValidationError` (a message on the page).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import Theme, User

from .choices import kind_fits
from .integrity import refresh_flags
from .models import (
    TRACKED_FIELDS,
    Ballot,
    Decision,
    DecisionEvent,
    Input,
    ProcessType,
    Resolution,
    Status,
    Turnout,
    anonymous_key,
)
from .notices import decided_send, loopback_send, window_opened_send
from .processes import (
    BY_AUTHOR,
    STEPS,
    current_status,
    edit_refusals,
    facts_of,
    process_change_refusals,
    resolve_refusals,
)


def require(user: User | None, decision: Decision, step: str, *, states: bool = True) -> None:
    """Refuse unless `user` may take `step` on this decision now (None: the system, on time).
    `states=False` leaves the state to the model's transition, which says it in its own words."""
    rule = STEPS[step]
    if user is not None and not rule.who(user, decision):
        raise PermissionDenied(str(rule.refusal))
    if decision.process_type not in rule.processes:
        raise ValidationError(_("This step is not part of this decision's process."))
    if states and current_status(decision) not in rule.states:
        raise ValidationError(
            _("That step cannot be taken now: this decision is %(status)s.")
            % {"status": Status(current_status(decision)).label.lower()}
        )


def _locked(decision: Decision) -> Decision:
    """Read the row's state again under a lock: two people pressing at once act once."""
    row = (
        Decision.objects.select_for_update()
        .filter(pk=decision.pk)
        .values("status", "process_type", "input_opens", "input_closes", "vote_count")
        .first()
    )
    if row:
        for field, value in row.items():
            setattr(decision, field, value)
    return decision


def settle(decision: Decision) -> Decision:
    if decision.settle():
        refresh_flags(decision)
    return decision


def _begin(
    decision: Decision, by: User | None, step: str, operator: bool = False, states: bool = True
) -> Decision:
    """Lock, settle by the clock, and refuse what `by` may not do now. `operator`: a platform
    operator in the Django admin, who is on no team: the state is still checked."""
    _locked(decision)
    settle(decision)
    require(None if operator else by, decision, step, states=states)
    return decision


# ----- the lifecycle


@transaction.atomic
def decision_open_input(
    *,
    decision: Decision,
    by: User,
    opens: datetime.datetime | None = None,
    closes: datetime.datetime | None = None,
) -> Decision:
    _begin(decision, by, "open_input")
    if opens is not None or closes is not None:
        _update(
            decision,
            by,
            {
                "input_opens": opens or decision.input_opens,
                "input_closes": closes or decision.input_closes,
            },
            reopening=True,
        )
    decision.open_input(by=by)
    refresh_flags(decision)
    window_opened_send(decision)
    return decision


@transaction.atomic
def decision_decide(
    *, decision: Decision, by: User, outcome: str, rationale: str = "", heard: str | None = None
) -> Decision:
    _begin(decision, by, "decide")
    decision.decide(by=by, outcome=outcome, rationale=rationale, heard=heard)
    decided_send(decision=decision, by=by)
    refresh_flags(decision)
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
    *, decision: Decision, by: User | None, action: str, reason: str = "", operator: bool = False
) -> Decision:
    """One step of the lifecycle (close input, implement, review, close, withdraw)."""
    if action not in MOVES:
        raise ValidationError(_("That is not a step a decision can take."))
    _begin(decision, by, action, operator, states=False)
    MOVES[action](decision, by, reason)
    refresh_flags(decision)
    return decision


@transaction.atomic
def decision_supersede(*, decision: Decision, newer: Decision, by: User) -> Decision:
    _begin(decision, by, "supersede")
    decision.supersede(by=by, newer=newer)
    DecisionEvent.record(
        decision=newer, actor=by, note=f"Supersedes {decision.number} {decision.title}"
    )
    refresh_flags(decision)
    refresh_flags(newer)
    return decision


# ----- edits


def _display(decision: Decision, field: str) -> str:
    value = getattr(decision, field)
    if value is None:
        return ""
    if hasattr(decision, f"get_{field}_display"):
        return getattr(decision, f"get_{field}_display")()
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _update(
    decision: Decision, by: User | None, fields: dict, *, reopening=False, note: str = ""
) -> list[str]:
    if decision.status in (Status.CLOSED, Status.WITHDRAWN, Status.SUPERSEDED):
        raise ValidationError(_("A closed, withdrawn or superseded decision cannot be edited."))
    before = {field: _display(decision, field) for field in fields if field in TRACKED_FIELDS}
    values = {
        field: value.strip() if isinstance(value, str) else value for field, value in fields.items()
    }
    changed_values = {
        field: value for field, value in values.items() if getattr(decision, field) != value
    }
    refusals = edit_refusals(decision, changed_values)
    if reopening:  # "Open for input" sets a new window for a decision being decided
        refusals.pop("input_opens", None)
        refusals.pop("input_closes", None)
    if refusals:
        raise ValidationError(refusals)
    for field, value in values.items():
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
                note=note,
            )
    refresh_flags(decision)
    return changed


@transaction.atomic
def decision_update(
    *, decision: Decision, by: User | None, operator: bool = False, **fields
) -> list[str]:
    """Change fields; once out of draft, each change is kept as old → new in the history.

    The process, a vote's terms after its first ballot and a closed window are refused here
    (`processes.edit_refusals`), whatever form asks: they change only through their own steps.
    `operator`: a platform operator in the Django admin, who is on no team.
    """
    _begin(decision, by, "edit", operator)
    return _update(decision, by, fields, note="Changed in the admin" if operator else "")


# ----- input, objections and blocks, advice


@transaction.atomic
def input_give(
    *,
    decision: Decision,
    by: User,
    kind: str,
    text: str,
    anonymous: bool = False,
    themes=(),
) -> Input:
    if not decision.window_is_open:
        raise ValidationError(_("The input window is not open, so input cannot be given now."))
    if not STEPS["give_input"].who(by, decision):
        raise ValidationError(str(STEPS["give_input"].refusal))
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
    themes = [t for t in themes if isinstance(t, Theme) and t.district_id == decision.district_id]
    if themes:
        entry.themes.set(themes)
    # Deliberately no history event and no notice: their time would point at the author.
    # The flags read named input only, so refreshing them tells nothing of anonymous input.
    refresh_flags(decision)
    return entry


def is_author(entry: Input, user: User) -> bool:
    """Whether `user` wrote this input: named by the link, anonymous by the sealed key."""
    if entry.is_anonymous:
        return entry.anonymous_key == anonymous_key(entry.decision_id, user.pk)
    return entry.author_id == user.pk


@transaction.atomic
def input_respond(*, entry: Input, by: User, response: str, changed_decision: bool) -> Input:
    decision = entry.decision
    _begin(decision, by, "answer_input")
    entry.response = response.strip()
    entry.changed_decision = changed_decision
    entry.responded_by = by
    entry.save(update_fields=["response", "changed_decision", "responded_by"])
    loopback_send(entry)
    DecisionEvent.record(
        decision=decision,
        actor=by,
        kind=DecisionEvent.Kind.INPUT_RESPONSE,
        note=(
            f"Answered {entry.get_kind_display().lower()}"
            + (" and marked it as changing the decision" if changed_decision else "")
        ),
    )
    refresh_flags(decision)
    return entry


@transaction.atomic
def input_resolve(*, entry: Input, by: User, resolution: str, note: str = "") -> Input:
    """An objection stops standing (amended, ruled not paramount, withdrawn by its author), or
    a block is lifted by its author."""
    decision = entry.decision
    _locked(decision)
    settle(decision)
    if resolution not in BY_AUTHOR:
        require(by, decision, "rule_objection" if entry.kind == "objection" else "decide")
    refusals = resolve_refusals(entry, by_author=is_author(entry, by), resolution=resolution)
    if refusals:
        raise ValidationError(refusals)
    note = note.strip()
    if resolution not in BY_AUTHOR and not note:
        raise ValidationError(
            {"note": _("Say how the proposal changed, or why it is not paramount.")}
        )
    entry.resolution = resolution
    entry.resolution_note = note
    entry.save(update_fields=["resolution", "resolution_note"])
    if not entry.is_anonymous or resolution not in BY_AUTHOR:
        # An anonymous author's own withdrawal leaves no event: its time could point at them.
        DecisionEvent.record(
            decision=decision,
            actor=by,
            kind=DecisionEvent.Kind.RESOLVED,
            new=Resolution(resolution).label,
            note=f"{entry.get_kind_display()}: {note}" if note else entry.get_kind_display(),
        )
    if resolution not in BY_AUTHOR:
        loopback_send(entry)
    refresh_flags(decision)
    return entry


# ----- votes


@transaction.atomic
def vote_cast(*, decision: Decision, by: User, option: str) -> None:
    """One ballot each. A secret ballot is written apart from the list of who took part."""
    if decision.process_type != ProcessType.VOTE:
        raise ValidationError(_("This decision is not made by a vote."))
    # Lock the row: a ballot cast while the vote closes would miss the count taken at the close.
    _locked(decision)
    if decision.status != Status.OPEN_FOR_INPUT or not decision.window_is_open:
        raise ValidationError(_("The vote is not open, so no ballot can be cast now."))
    if not STEPS["cast_ballot"].who(by, decision):
        raise ValidationError(str(STEPS["cast_ballot"].refusal))
    if option not in decision.option_list():
        raise ValidationError({"option": _("Choose one of the options.")})
    try:
        with transaction.atomic():
            Turnout.objects.create(district_id=decision.district_id, decision=decision, person=by)
    except IntegrityError:
        raise ValidationError(_("You have already voted: one ballot each.")) from None
    Ballot.objects.create(
        district_id=decision.district_id,
        decision=decision,
        option=option,
        voter=None if decision.secret_ballot else by,
    )
    # No event and no notice: their time would sit next to a ballot.
    refresh_flags(decision)


def has_voted(decision: Decision, user: User) -> bool:
    return decision.turnout.filter(person=user).exists()


# ----- a change of process


@transaction.atomic
def decision_change_process(*, decision: Decision, by: User, process_type: str, reason: str):
    """Move to another process (a block's way out), on the record and flagged once input opened.

    Whatever stood in the old process's way (an objection, a block) is kept on the decision,
    and a decision recorded after the move is flagged for going around it.
    """
    _begin(decision, by, "change_process")
    refusals = process_change_refusals(decision, process_type, reason)
    if refusals:
        field = "reason" if process_type in ProcessType.values else "process_type"
        raise ValidationError({field: refusals})
    facts = facts_of(decision)
    went_around = list(decision.went_around)
    if decision.process_type == ProcessType.CONSENT and facts.standing_objections:
        went_around.append("objection")
    if decision.process_type == ProcessType.CONSENSUS and facts.standing_blocks:
        went_around.append("block")
    old = decision.get_process_type_display()
    decision.process_type = process_type
    decision.went_around = sorted(set(went_around))
    decision._facts = None
    decision.save(update_fields=["process_type", "went_around", "updated_at"])
    if decision.status != Status.DRAFT:
        DecisionEvent.record(
            decision=decision,
            actor=by,
            field="process_type",
            old=old,
            new=decision.get_process_type_display(),
            note=reason.strip(),
        )
    refresh_flags(decision)
    return decision
