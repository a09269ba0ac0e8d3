"""“How this decision is made”: the process in plain words, for the person reading the page.

Everything here reads what the decision page has already loaded (its stakeholders, the
reader's stake from `with_access`), so the panel costs the page no query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import is_team_member
from .choices import KINDS_FOR_PROCESS, STOPPING_KINDS, Involvement, ProcessType, Status

HOW = {
    ProcessType.CONSENT: gettext_lazy(
        "Consent: the proposal goes ahead unless someone has a reasoned objection. Each person "
        "answers consent, concern or objection. An objection must be resolved (the proposal "
        "amended, the objection withdrawn, or ruled not paramount by the facilitator with a "
        "reason) before the decision can be recorded."
    ),
    ProcessType.CONSENSUS: gettext_lazy(
        "Consensus: everyone answers agree, stand aside or block, with a reason. A block stops "
        "the decision until its author lifts it or the facilitator moves the decision to another "
        "process, on the record."
    ),
    ProcessType.ADVICE: gettext_lazy(
        "Advice: one named person decides, after asking the people it affects and those with "
        "expertise. They answer each piece of advice before deciding."
    ),
    ProcessType.CONSULTATIVE: gettext_lazy(
        "Consultative: the deciders ask for input, write down what they heard, and answer it "
        "in the outcome."
    ),
    ProcessType.VOTE: gettext_lazy(
        "Vote: each eligible person casts one ballot for one of the options. Results stay hidden "
        "until the vote closes, so early ballots do not sway later ones; then the tally is shown "
        "with a list of who took part that never says who chose what."
    ),
    ProcessType.DELEGATED: gettext_lazy(
        "Delegated: a named delegate decides within bounds written down before input opened."
    ),
}

ROLE_WORDS = {
    "deciding": gettext_lazy("You are one of the deciders."),
    Involvement.FACILITATES: gettext_lazy("You facilitate this decision."),
    Involvement.CONSULTED: gettext_lazy("You are consulted: your input is asked for."),
    Involvement.AFFECTED: gettext_lazy("You are affected by it: your input is welcome."),
    Involvement.INFORMED: gettext_lazy("You are kept informed of it."),
    "staff": gettext_lazy("You are on the district's staff: you may give input."),
    "reader": gettext_lazy("You can read it; input comes from the people it involves."),
}


@dataclass(frozen=True)
class Guide:
    how: str
    who_decides: str
    role: str
    role_text: str
    when: str
    next: str


def _when(decision, may_give: bool) -> str:
    fmt = "%b %-d, %Y %H:%M"
    status = decision.current_status
    if status == Status.DRAFT:
        return _("Not yet: input opens when the team opens the window.")
    if decision.window_is_open:
        closes = timezone.localtime(decision.input_closes).strftime(fmt)
        if may_give:
            return _("Now, until %(closes)s.") % {"closes": closes}
        return _("Input is open until %(closes)s.") % {"closes": closes}
    if status == Status.OPEN_FOR_INPUT and decision.input_opens:
        opens = timezone.localtime(decision.input_opens).strftime(fmt)
        return _("From %(opens)s.") % {"opens": opens}
    if decision.input_closes:
        closes = timezone.localtime(decision.input_closes).strftime(fmt)
        if decision.input_closes <= timezone.now():
            return _("Input closed on %(closes)s.") % {"closes": closes}
        # Decided or withdrawn while the window still ran: it never reached its closing time.
        if decision.decided_at:
            decided = timezone.localtime(decision.decided_at).strftime(fmt)
            return _(
                "Input ended when the decision was recorded, on %(decided)s, before the "
                "window's planned close (%(closes)s)."
            ) % {"decided": decided, "closes": closes}
        return _("Input ended before the window's planned close (%(closes)s).") % {"closes": closes}
    return _("There was no window for input.")


def _who_decides(decision) -> str:
    if decision.process_type in (ProcessType.ADVICE, ProcessType.DELEGATED):
        title = _("the delegate") if decision.process_type == ProcessType.DELEGATED else ""
        if decision.decider_id:
            name = decision.decider.name
            return f"{name}, {title}" if title else name
        return _("Nobody is named yet: the team names one person before input opens.")
    deciders = [
        s.describe() for s in decision.stakeholders.all() if s.involvement == Involvement.DECIDES
    ]
    if decision.owning_team_id:
        deciders.insert(0, str(decision.owning_team))
    deciders = list(dict.fromkeys(deciders))  # the owning team is often a "decides" stakeholder too
    if decision.process_type == ProcessType.VOTE:
        return _("The ballots decide; %(who)s records the result.") % {
            "who": ", ".join(deciders) or _("the writer")
        }
    return ", ".join(deciders) or _("The person who wrote it.")


def _next(decision) -> str:
    status, process = decision.current_status, decision.process_type
    if status == Status.DRAFT:
        return _("The team finishes the proposal and opens it for input.")
    if status == Status.OPEN_FOR_INPUT:
        if process == ProcessType.VOTE:
            return _("When the vote closes, the tally is counted and the result recorded.")
        return _("When the window closes, the deciders weigh the input and record the decision.")
    if status == Status.DECIDING:
        return {
            ProcessType.CONSENT: _("Objections are resolved, then the decision is recorded."),
            ProcessType.CONSENSUS: _(
                "Blocks are lifted or the process moves, then it is recorded."
            ),
            ProcessType.ADVICE: _("The decider answers each piece of advice, then decides."),
            ProcessType.CONSULTATIVE: _("The deciders write what they heard and decide."),
            ProcessType.VOTE: _("The deciders record the result of the tally."),
            ProcessType.DELEGATED: _("The delegate decides within the bounds."),
        }[process]
    if status in (Status.DECIDED, Status.IMPLEMENTING):
        return _("At the review date, the deciders and the people affected reflect on it.")
    if status == Status.REVIEWING:
        return _("The deciders and the people affected write what happened, then close it.")
    return _("Nothing more: this decision is finished.")


def role_of(user, decision, may_decide: bool, may_give: bool) -> str:
    stake = getattr(decision, "access_stake", None)
    if may_decide and (
        stake == Involvement.DECIDES
        or is_team_member(user, decision.owning_team_id)
        or decision.decider_id == user.pk
    ):
        return "deciding"
    if stake in ROLE_WORDS:
        return stake
    if may_decide:
        return "deciding"
    return "staff" if may_give else "reader"


def guide_for(user, decision, *, may_decide: bool, may_give: bool) -> Guide:
    role = role_of(user, decision, may_decide, may_give)
    return Guide(
        how=HOW[decision.process_type],
        who_decides=_who_decides(decision),
        role=role,
        role_text=ROLE_WORDS[role],
        when=_when(decision, may_give),
        next=_next(decision),
    )


def decide_briefing(user, decision) -> dict:
    """What the decide form shows: input by kind (what stops the decision first), the options,
    the tally, the principles tested, open flags, the review date and what still refuses."""
    from .integrity import integrity_flags
    from .processes import decide_refusals, tally

    order = {kind: i for i, kind in enumerate(KINDS_FOR_PROCESS[decision.process_type])}
    entries = sorted(
        decision.inputs.select_related("author"),
        key=lambda e: (
            not e.stands,
            e.kind not in STOPPING_KINDS,
            order.get(e.kind, 99),
            str(e.pk),
        ),
    )
    groups: dict[str, list] = {}
    for entry in entries:
        label = entry.get_kind_display()
        if entry.kind in STOPPING_KINDS:
            label = _("%(kind)s (still standing)") % {"kind": label} if entry.stands else label
        groups.setdefault(label, []).append(entry)
    return {
        "input_groups": list(groups.items()),
        "options": decision.option_list(),
        "tally": tally(decision) if decision.process_type == ProcessType.VOTE else None,
        "tested": list(decision.tested.select_related("principle")),
        "flags": integrity_flags(decision),
        "review_on": decision.review_on,
        "refusals": decide_refusals(decision, user),
    }


def vote_context(user, decision, *, may_give: bool) -> dict:
    """The vote card: a ballot to cast, how many took part, and after the close the tally and
    who took part (names in alphabetical order, never beside a choice). Nothing for other
    processes, so they pay no query."""
    from .forms import VoteForm
    from .processes import SECRET_MINIMUM, tally, tally_is_hidden, vote_count_of

    if decision.process_type != ProcessType.VOTE or decision.status == Status.DRAFT:
        return {}
    hidden = tally_is_hidden(decision)
    if hidden:
        took_part = list(decision.turnout.values_list("person_id", "person__name"))
    else:
        took_part = vote_count_of(decision)["took_part"]
    voted = any(person_id == user.pk for person_id, _name in took_part)
    decision._ballots_cast = len(took_part)
    return {
        "vote": {
            "form": VoteForm(options=decision.option_list())
            if may_give and decision.window_is_open and not voted
            else None,
            "voted": voted,
            "cast": len(took_part),
            "hidden": hidden,
            "tally": None if hidden else tally(decision),
            "too_few": not hidden and decision.secret_ballot and len(took_part) < SECRET_MINIMUM,
            "took_part": [] if hidden else [name for _person_id, name in took_part],
        }
    }


def responded_line(decision) -> str:
    """For the deciders: how many consulted people have responded, by the anonymity rule.

    The rule: who has responded is read from named input only, and anonymous input counts
    toward the decision's total only. So this count, the "waiting for your input" others
    could infer, and the reminders (`notices.people_without_named_input`) all move only when
    someone gives named input: watching them while anonymous input arrives tells nothing.
    """
    from django.db.models import Count, Q

    from .access import people_of

    named = decision.inputs.filter(author__isnull=False).values("author_id")
    if decision.process_type == ProcessType.VOTE:
        # Who took part in a vote is named (the ballot is not): count the turnout.
        named = decision.turnout.values("person_id")
    counts = people_of(decision, (Involvement.CONSULTED,)).aggregate(
        asked=Count("pk"), answered=Count("pk", filter=Q(pk__in=named))
    )
    if not counts["asked"]:
        return ""
    if decision.process_type == ProcessType.VOTE:
        return _("%(answered)d of the %(asked)d people consulted have voted.") % counts
    return (
        _(
            "%(answered)d of the %(asked)d people consulted have given named input. Anonymous "
            "input counts toward the total only, never toward a person."
        )
        % counts
    )


def rights_line(decision) -> str:
    """Who the rights map says decides this kind of decision, or that there is no map yet."""
    from .choices import Authority, Level
    from .integrity import district_rights

    rights = district_rights(decision)
    if not rights:
        return _(
            "No decision rights are mapped yet in this district, so nobody's right is checked."
        )
    holders = [
        right.holder
        for right in rights
        if right.domain == decision.domain
        and right.authority == Authority.DECIDES
        and (
            right.level == decision.level
            or (right.level == Level.TEAM and right.team_id == decision.owning_team_id)
        )
    ]
    where = {"domain": decision.get_domain_display().lower(), "level": decision.level}
    if not holders:
        return (
            _("The rights map gives nobody the right to decide %(domain)s at %(level)s level.")
            % where
        )
    return _(
        "The rights map gives the right to decide %(domain)s at %(level)s level to: %(who)s."
    ) % {
        **where,
        "who": ", ".join(dict.fromkeys(holders)),
    }
