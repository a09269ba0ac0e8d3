"""The rules of every process, in one place: who may take which step in which state, what
must hold before it, the tally, and the flags a decision recorded around them raises.

`STEPS` is the table of (state, step) → who may take it; the refusal functions below add
what each process requires. `decisions.engine` is the only writer and asks these before
every write; the decision page reads the same table for its buttons and its guide, so what
a person is told always matches what they may do. `integrity.integrity_flags` flags a
decided decision for which the rules would still say no.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .access import can_decide, can_edit, may_give_input
from .choices import (
    DECIDED_STATUSES,
    FINISHED_STATUSES,
    Involvement,
    ProcessType,
    Resolution,
    Status,
)

# Fewer secret ballots than this, and the tally would tell voters each other's choices.
SECRET_MINIMUM = 3


@dataclass(frozen=True)
class Facts:
    """What the rules read about a decision's input and ballots, in one query each at most."""

    standing_objections: int = 0
    standing_blocks: int = 0
    unanswered: int = 0
    ballots: int = 0


# ----- time comes from the clock


def current_status(decision, now: datetime.datetime | None = None) -> str:
    """The status as of now: a window whose closing time has passed is closed from that second,
    whether or not anything has written it down yet."""
    closes = decision.input_closes
    if decision.status == Status.OPEN_FOR_INPUT and closes and closes <= (now or timezone.now()):
        return Status.DECIDING
    return decision.status


def status_is(status: str, now: datetime.datetime | None = None) -> Q:
    """A filter on decisions for `current_status(...) == status`, for lists, counts and the API."""
    now = now or timezone.now()
    overdue = Q(status=Status.OPEN_FOR_INPUT, input_closes__lte=now)
    if status == Status.OPEN_FOR_INPUT:
        return Q(status=Status.OPEN_FOR_INPUT) & ~overdue
    if status == Status.DECIDING:
        return Q(status=Status.DECIDING) | overdue
    return Q(status=status)


# ----- who may take which step, in which state


def _deciders(user, decision) -> bool:
    return can_decide(user, decision)


def _team(user, decision) -> bool:
    return can_edit(user, decision)


def _team_or_deciders(user, decision) -> bool:
    return can_edit(user, decision) or can_decide(user, decision)


def _participants(user, decision) -> bool:
    return may_give_input(user, decision)


@dataclass(frozen=True)
class Step:
    """A step someone takes on a decision: from which states, for which processes, by whom."""

    states: frozenset
    who: Callable
    refusal: str  # why someone else may not (shown on the 403 page)
    processes: frozenset = frozenset(ProcessType.values)


UNDECIDED = frozenset({Status.OPEN_FOR_INPUT, Status.DECIDING})
EDITABLE = frozenset(Status.values) - FINISHED_STATUSES

STEPS = {
    "open_input": Step(
        frozenset({Status.DRAFT, Status.DECIDING}),
        _team,
        gettext_lazy("Only the owning team opens a decision for input."),
    ),
    "give_input": Step(
        frozenset({Status.OPEN_FOR_INPUT}),
        _participants,
        gettext_lazy("Input on this decision comes from staff and the people it involves."),
    ),
    "cast_ballot": Step(
        frozenset({Status.OPEN_FOR_INPUT}),
        _participants,
        gettext_lazy("Only the people this vote involves can vote."),
        frozenset({ProcessType.VOTE}),
    ),
    "close_input": Step(
        frozenset({Status.OPEN_FOR_INPUT}),
        _team_or_deciders,
        gettext_lazy("Only the owning team or the deciders close the input window."),
    ),
    "answer_input": Step(
        UNDECIDED,
        _deciders,
        gettext_lazy("Only the people deciding answer input."),
    ),
    "rule_objection": Step(
        UNDECIDED,
        _deciders,
        gettext_lazy("Only the facilitator or the deciders rule on an objection."),
    ),
    "change_process": Step(
        UNDECIDED,
        _deciders,
        gettext_lazy("Only the facilitator or the deciders change the process."),
    ),
    "decide": Step(
        UNDECIDED,
        _deciders,
        gettext_lazy("Only the owning team or the named deciders record the decision."),
    ),
    "edit": Step(
        EDITABLE,
        _team,
        gettext_lazy("Only the owning team edits a decision before it is finished."),
    ),
    "implement": Step(
        frozenset({Status.DECIDED}),
        _team_or_deciders,
        gettext_lazy("Only the owning team or the deciders move a decision on."),
    ),
    "review": Step(
        frozenset({Status.DECIDED, Status.IMPLEMENTING}),
        _team_or_deciders,
        gettext_lazy("Only the owning team or the deciders move a decision on."),
    ),
    "close": Step(
        frozenset({Status.REVIEWING}),
        _team_or_deciders,
        gettext_lazy("Only the owning team or the deciders move a decision on."),
    ),
    "withdraw": Step(
        frozenset({Status.DRAFT}) | UNDECIDED,
        _team_or_deciders,
        gettext_lazy("Only the owning team or the deciders move a decision on."),
    ),
    "supersede": Step(
        DECIDED_STATUSES - {Status.SUPERSEDED},
        _deciders,
        gettext_lazy("Only the deciders supersede a decision."),
    ),
}

# The lifecycle steps of the "move" buttons.
MOVES = ("close_input", "implement", "review", "close", "withdraw")


def may_take(user, decision, step: str) -> bool:
    """Whether the page offers `user` this step now (its state and process allow it, and they may)."""
    rule = STEPS[step]
    return (
        user.is_authenticated
        and current_status(decision) in rule.states
        and decision.process_type in rule.processes
        and rule.who(user, decision)
    )


def steps_for(user, decision) -> frozenset:
    """Every step the page offers this person now, for its buttons."""
    return frozenset(step for step in STEPS if may_take(user, decision, step))


# ----- secrecy only grows


def ballots_were_cast(decision) -> bool:
    return decision.turnout.exists()


def tally_was_shown(decision) -> bool:
    """A secret vote closed with ballots has shown who took part (and maybe the tally): it is
    sealed, so no later ballot can be read off the difference."""
    count = decision.vote_count
    return bool(decision.secret_ballot and count and count.get("took_part"))


# The processes whose rules read the input itself (objections, blocks, answers to advice).
INPUT_RULED_PROCESSES = (ProcessType.CONSENT, ProcessType.CONSENSUS, ProcessType.ADVICE)


def facts_of(decision) -> Facts:
    # A page that read them with the decision (decision_detail) leaves them here.
    loaded = getattr(decision, "_facts", None)
    if loaded is not None:
        return loaded
    process = decision.process_type
    facts = {}
    if process in INPUT_RULED_PROCESSES:
        facts = decision.inputs.aggregate(
            standing_objections=Count("pk", filter=Q(kind="objection", resolution="")),
            standing_blocks=Count("pk", filter=Q(kind="block", resolution="")),
            unanswered=Count("pk", filter=Q(response="")),
        )
    elif process == ProcessType.VOTE:
        # The vote card has counted who took part (one ballot each) when the page shows it.
        cast = getattr(decision, "_ballots_cast", None)
        facts = {"ballots": cast if cast is not None else decision.ballots.count()}
    return Facts(**facts)


def _named(decision) -> str:
    return decision.decider.name if decision.decider else ""


def open_refusals(decision) -> list[str]:
    """Why this decision cannot open for input yet (nothing: it can)."""
    refusals = []
    match decision.process_type:
        case ProcessType.ADVICE:
            if not decision.decider_id:
                refusals.append(_("Name the one person who decides before asking for advice."))
            asked = {Involvement.AFFECTED, Involvement.CONSULTED}
            if not any(s.involvement in asked for s in decision.stakeholders.all()):
                refusals.append(
                    _(
                        "Name the people it affects and those whose expertise it needs "
                        "(as affected or consulted) before asking for advice."
                    )
                )
        case ProcessType.DELEGATED:
            if not decision.decider_id or not decision.decider_bounds.strip():
                refusals.append(
                    _(
                        "Name the delegate and write the bounds of the delegation before input opens."
                    )
                )
        case ProcessType.VOTE:
            if len(decision.option_list()) < 2:
                refusals.append(_("A vote needs at least two options, one a line."))
            if tally_was_shown(decision):
                refusals.append(
                    _(
                        "This secret vote was closed and who took part was shown: opening it "
                        "again would let a later ballot be read off the new tally. Record the "
                        "result, withdraw it, or write a new decision."
                    )
                )
    return refusals


def decide_refusals(decision, by, facts: Facts | None = None) -> list[str]:
    """Why `by` cannot record this decision now, by the rules of its process."""
    facts = facts or facts_of(decision)
    refusals = []
    match decision.process_type:
        case ProcessType.CONSENT if facts.standing_objections:
            refusals.append(
                ngettext(
                    "An objection still stands: amend the proposal, ask its author to withdraw "
                    "it, or rule it not paramount with a reason before recording the decision.",
                    "%(count)d objections still stand: amend the proposal, ask their authors to "
                    "withdraw them, or rule them not paramount with a reason before recording "
                    "the decision.",
                    facts.standing_objections,
                )
                % {"count": facts.standing_objections}
            )
        case ProcessType.CONSENSUS if facts.standing_blocks:
            refusals.append(
                _(
                    "A block stops this decision until its author lifts it, or the facilitator "
                    "moves the decision to another process, on the record."
                )
            )
        case ProcessType.ADVICE:
            refusals += _decider_refusals(decision, by, _("the named decider"))
            if facts.unanswered:
                refusals.append(
                    ngettext(
                        "Answer each piece of advice before deciding: %(count)d is unanswered.",
                        "Answer each piece of advice before deciding: %(count)d are unanswered.",
                        facts.unanswered,
                    )
                    % {"count": facts.unanswered}
                )
        case ProcessType.DELEGATED:
            refusals += _decider_refusals(decision, by, _("the delegate"))
            if not decision.decider_bounds.strip():
                refusals.append(_("Write the bounds of the delegation first."))
        case ProcessType.CONSULTATIVE if not decision.heard.strip():
            refusals.append(_("Write what you heard before recording the decision."))
        case ProcessType.VOTE:
            refusals += vote_refusals(decision, facts.ballots)
    return refusals


def _decider_refusals(decision, by, title: str) -> list[str]:
    if not decision.decider_id:
        return [_("Name %(title)s first.") % {"title": title}]
    if by is not None and by.pk != decision.decider_id:
        return [
            _("Only %(name)s, %(title)s, records this decision.")
            % {"name": _named(decision), "title": title}
        ]
    return []


def vote_refusals(decision, ballots: int) -> list[str]:
    if current_status(decision) == Status.OPEN_FOR_INPUT:
        return [_("The vote is still open: close it before the tally is counted.")]
    if decision.quorum and ballots < decision.quorum:
        return [
            _("The quorum was not reached: %(cast)d of %(quorum)d ballots were cast.")
            % {"cast": ballots, "quorum": decision.quorum}
        ]
    if decision.secret_ballot and ballots < SECRET_MINIMUM:
        return [
            _(
                "Only %(cast)d ballots were cast: a secret vote needs at least %(minimum)d, "
                "or the tally would tell the voters each other's choices."
            )
            % {"cast": ballots, "minimum": SECRET_MINIMUM}
        ]
    return []


def tally_is_hidden(decision) -> bool:
    """Results stay hidden while anyone can still vote, so early ballots do not sway later ones."""
    return current_status(decision) in (Status.DRAFT, Status.OPEN_FOR_INPUT)


# ----- objections, blocks, a change of process, an edit

# Who may resolve how: the deciders rule on an objection; only its author withdraws an
# objection or lifts a block. A block has no other way out but moving the process.
BY_DECIDERS = frozenset({Resolution.AMENDED, Resolution.NOT_PARAMOUNT})
BY_AUTHOR = frozenset({Resolution.WITHDRAWN, Resolution.LIFTED})


def resolve_refusals(entry, *, by_author: bool, resolution: str) -> list[str]:
    """Why this objection or block cannot be resolved this way (nothing: it can)."""
    if not entry.stands:
        return [_("Only an objection or a block that still stands can be resolved.")]
    if current_status(entry.decision) not in UNDECIDED:
        return [_("Objections are resolved while the decision is being made.")]
    if resolution in BY_AUTHOR:
        if not by_author:
            return [_("Only its author withdraws an objection or lifts a block.")]
        fits = Resolution.LIFTED if entry.kind == "block" else Resolution.WITHDRAWN
        if resolution != fits:
            return [_("Choose how it was resolved.")]
        return []
    if resolution in BY_DECIDERS:
        if entry.kind == "block":
            return [
                _(
                    "A block stands until its author lifts it, or the decision moves to "
                    "another process on the record."
                )
            ]
        return []
    return [_("Choose how it was resolved.")]


def process_change_refusals(decision, process_type: str, reason: str) -> list[str]:
    if process_type not in ProcessType.values or process_type == decision.process_type:
        return [_("Choose another process.")]
    if decision.status != Status.DRAFT and not reason.strip():
        return [_("Say why the process changes: it goes on the record.")]
    if decision.process_type == ProcessType.VOTE and ballots_were_cast(decision):
        return [
            _(
                "Ballots have been cast, so this stays a vote: withdraw it and write a new "
                "decision to decide another way."
            )
        ]
    return []


# Fields a page may not change once the process has reached a point: the process itself
# leaves draft only through "Move to another process", and a vote's terms stay as they were
# when the first ballot was cast.
LOCKED_AFTER_DRAFT = ("process_type",)
LOCKED_AFTER_FIRST_BALLOT = ("secret_ballot", "options", "quorum")


def edit_refusals(decision, changed: dict) -> dict[str, str]:
    """Field → why an edit of this decision may not change it (empty: it may)."""
    refusals = {}
    if decision.status != Status.DRAFT:
        for field in LOCKED_AFTER_DRAFT:
            if field in changed:
                refusals[field] = _(
                    "Once input has opened, the process changes only through “Move to "
                    "another process”, with a reason on the record."
                )
    if (
        decision.process_type == ProcessType.VOTE
        and any(field in changed for field in LOCKED_AFTER_FIRST_BALLOT)
        and ballots_were_cast(decision)
    ):
        for field in LOCKED_AFTER_FIRST_BALLOT:
            if field in changed:
                refusals[field] = _(
                    "Ballots have been cast: the vote's options, quorum and secrecy stay "
                    "as they were."
                )
    if current_status(decision) not in (Status.DRAFT, Status.OPEN_FOR_INPUT):
        for field in ("input_opens", "input_closes"):
            if field in changed:
                refusals[field] = _(
                    "The input window has closed: reopen it with “Open for input” instead."
                )
    return refusals


@dataclass(frozen=True)
class Line:
    option: str
    count: int
    voters: tuple[str, ...]  # named votes only


def count_vote(decision) -> dict:
    """Who took part (alphabetical, with no choice beside a name) and each option's ballots.

    Taken once when the window closes and kept on the decision; a vote counted before that
    was kept, or moved to a vote after its close, is counted here on each read.
    """
    took_part = [
        [row.person_id, row.person.name]
        for row in decision.turnout.select_related("person").order_by("person__name", "pk")
    ]
    lines: dict[str, list] = {option: [0, []] for option in decision.option_list()}
    for ballot in decision.ballots.select_related("voter").order_by("option", "voter__name"):
        line = lines.setdefault(ballot.option, [0, []])
        line[0] += 1
        if ballot.voter is not None:
            line[1].append(ballot.voter.name)
    return {
        "took_part": took_part,
        "lines": [[option, count, voters] for option, (count, voters) in lines.items()],
    }


def vote_count_of(decision) -> dict:
    if decision.vote_count is not None:
        return decision.vote_count
    if getattr(decision, "_counted", None) is None:
        decision._counted = count_vote(decision)
    return decision._counted


def tally(decision) -> list[Line] | None:
    """Each option with its ballots, in the order written; None while the vote is open.

    A secret vote with fewer than `SECRET_MINIMUM` ballots shows no tally at all.
    """
    if tally_is_hidden(decision):
        return None
    lines = vote_count_of(decision)["lines"]
    if decision.secret_ballot and sum(count for _option, count, _voters in lines) < SECRET_MINIMUM:
        return None
    return [
        Line(option, count, () if decision.secret_ballot else tuple(voters))
        for option, count, voters in lines
    ]


# ----- the flags of a process gone around


PROCESS_FLAGS = {
    "objection_unresolved": gettext_lazy("Decided with an objection unresolved"),
    "block_ignored": gettext_lazy("Decided over a block"),
    "advice_unanswered": gettext_lazy("Decided without answering the advice"),
    "no_named_decider": gettext_lazy("Decided by someone other than the named decider"),
    "heard_not_recorded": gettext_lazy("Decided without recording what was heard"),
    "vote_not_counted": gettext_lazy("Decided without a valid vote"),
    "process_changed": gettext_lazy("Process changed after input opened"),
    "moved_around_objection": gettext_lazy(
        "Decided after moving the process around a standing objection"
    ),
    "moved_around_block": gettext_lazy("Decided after moving the process around a standing block"),
}

# What a change of process went around, kept on the decision (`went_around`), and its flag.
WENT_AROUND_FLAGS = {"objection": "moved_around_objection", "block": "moved_around_block"}


def process_flag_codes(decision, facts: Facts) -> list[str]:
    """Codes for a decided decision recorded around its process's rules."""
    codes = []
    match decision.process_type:
        case ProcessType.CONSENT if facts.standing_objections:
            codes.append("objection_unresolved")
        case ProcessType.CONSENSUS if facts.standing_blocks:
            codes.append("block_ignored")
        case ProcessType.ADVICE | ProcessType.DELEGATED:
            if not decision.decider_id or decision.decided_by_id != decision.decider_id:
                codes.append("no_named_decider")
            if decision.process_type == ProcessType.ADVICE and facts.unanswered:
                codes.append("advice_unanswered")
        case ProcessType.CONSULTATIVE if not decision.heard.strip():
            codes.append("heard_not_recorded")
        case ProcessType.VOTE if vote_refusals(decision, facts.ballots):
            codes.append("vote_not_counted")
    codes += [WENT_AROUND_FLAGS[what] for what in decision.went_around if what in WENT_AROUND_FLAGS]
    return codes


def process_changes(decision) -> list:
    """The recorded changes of process once the decision left draft (history events)."""
    events = getattr(decision, "_prefetched_objects_cache", {}).get("events")
    if events is None:
        events = decision.events.filter(field="process_type")
    return [event for event in events if event.field == "process_type"]
