"""The writes a process adds: resolving an objection or a block, casting a ballot, changing process.

`decisions.services` re-exports these; like every service they end with `refresh_flags`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from districts.models import User

from .integrity import refresh_flags
from .models import (
    DECIDED_STATUSES,
    Ballot,
    Decision,
    DecisionEvent,
    Input,
    ProcessType,
    Resolution,
    Status,
    Turnout,
    anonymous_key,
    can_decide,
    may_give_input,
)
from .notices import loopback_send

# Who may resolve how: the facilitator rules, the author withdraws or lifts.
BY_FACILITATOR = {Resolution.AMENDED, Resolution.NOT_PARAMOUNT}
BY_AUTHOR = {Resolution.WITHDRAWN, Resolution.LIFTED}


def is_author(entry: Input, user: User) -> bool:
    """Whether `user` wrote this input: named by the link, anonymous by the sealed key."""
    if entry.is_anonymous:
        return entry.anonymous_key == anonymous_key(entry.decision_id, user.pk)
    return entry.author_id == user.pk


@transaction.atomic
def input_resolve(*, entry: Input, by: User, resolution: str, note: str = "") -> Input:
    """An objection or a block stops standing: amended, withdrawn, lifted or ruled not paramount."""
    decision = entry.decision
    if not entry.stands:
        raise ValidationError(_("Only an objection or a block that still stands can be resolved."))
    if decision.status in DECIDED_STATUSES or decision.status in (
        Status.WITHDRAWN,
        Status.DRAFT,
    ):
        raise ValidationError(_("Objections are resolved while the decision is being made."))
    note = note.strip()
    if resolution in BY_FACILITATOR:
        if not can_decide(by, decision):
            raise ValidationError(_("Only the facilitator or the deciders rule on an objection."))
        if not note:
            raise ValidationError(
                {"note": _("Say how the proposal changed, or why it is not paramount.")}
            )
    elif resolution in BY_AUTHOR:
        if not is_author(entry, by):
            raise ValidationError(_("Only its author withdraws an objection or lifts a block."))
    else:
        raise ValidationError(_("Choose how it was resolved."))
    entry.resolution = resolution
    entry.resolution_note = note
    entry.save(update_fields=["resolution", "resolution_note"])
    if not entry.is_anonymous or resolution in BY_FACILITATOR:
        # An anonymous author's own withdrawal leaves no event: its time could point at them.
        DecisionEvent.record(
            decision=decision,
            actor=by,
            kind=DecisionEvent.Kind.RESOLVED,
            new=Resolution(resolution).label,
            note=f"{entry.get_kind_display()}: {note}" if note else entry.get_kind_display(),
        )
    if resolution in BY_FACILITATOR:
        loopback_send(entry)
    refresh_flags(decision)
    return entry


@transaction.atomic
def vote_cast(*, decision: Decision, by: User, option: str) -> None:
    """One ballot each. A secret ballot is written apart from the list of who took part."""
    if decision.process_type != ProcessType.VOTE:
        raise ValidationError(_("This decision is not made by a vote."))
    # Lock the row: a ballot cast while the vote closes would miss the count taken at the close.
    status = (
        Decision.objects.select_for_update()
        .filter(pk=decision.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status != Status.OPEN_FOR_INPUT or not decision.window_is_open:
        raise ValidationError(_("The vote is not open, so no ballot can be cast now."))
    if not may_give_input(by, decision):
        raise ValidationError(_("Only the people this vote involves can vote."))
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


@transaction.atomic
def decision_change_process(*, decision: Decision, by: User, process_type: str, reason: str):
    """Move to another process (a block's way out), on the record and flagged once input opened."""
    if not can_decide(by, decision):
        raise ValidationError(_("Only the facilitator or the deciders change the process."))
    if decision.status in DECIDED_STATUSES or decision.status == Status.WITHDRAWN:
        raise ValidationError(_("The process of a decided decision cannot change."))
    if process_type not in ProcessType.values or process_type == decision.process_type:
        raise ValidationError({"process_type": _("Choose another process.")})
    reason = reason.strip()
    if decision.status != Status.DRAFT and not reason:
        raise ValidationError({"reason": _("Say why the process changes: it goes on the record.")})
    old = decision.get_process_type_display()
    decision.process_type = process_type
    decision.save(update_fields=["process_type", "updated_at"])
    if decision.status != Status.DRAFT:
        DecisionEvent.record(
            decision=decision,
            actor=by,
            field="process_type",
            old=old,
            new=decision.get_process_type_display(),
            note=reason,
        )
    refresh_flags(decision)
    return decision
