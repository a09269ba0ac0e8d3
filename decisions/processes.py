"""What each process requires: the refusals before a step, the tally, and the facts its flags read.

The rules are written once here. The model's transitions refuse what they list, and
`integrity.integrity_flags` flags a decided decision for which they would still say no,
so a decision recorded around them (an admin edit, a change of status by hand) shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .choices import Involvement, ProcessType, Status

# Fewer secret ballots than this, and the tally would tell voters each other's choices.
SECRET_MINIMUM = 3


@dataclass(frozen=True)
class Facts:
    """What the rules read about a decision's input and ballots, in one query each at most."""

    standing_objections: int = 0
    standing_blocks: int = 0
    unanswered: int = 0
    ballots: int = 0


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
    if decision.status == Status.OPEN_FOR_INPUT:
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
    return decision.status in (Status.DRAFT, Status.OPEN_FOR_INPUT)


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
}


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
    return codes


def process_changes(decision) -> list:
    """The recorded changes of process once the decision left draft (history events)."""
    events = getattr(decision, "_prefetched_objects_cache", {}).get("events")
    if events is None:
        events = decision.events.filter(field="process_type")
    return [event for event in events if event.field == "process_type"]
