"""Process-integrity flags: computed from the record, never typed in by hand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import (
    DECIDED_STATUSES,
    Decision,
    DecisionEvent,
    DecisionRight,
    Involvement,
    ProcessType,
    Status,
    holds_right,
)
from .processes import (
    PROCESS_FLAGS,
    facts_of,
    process_changes,
    process_flag_codes,
    vote_refusals,
)


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


LABELS = {
    "decided_early": gettext_lazy("Decided before the input window closed"),
    "no_right": gettext_lazy("Decided by someone without the decision right"),
    "consulted_not_heard": gettext_lazy("A consulted stakeholder gave no named input"),
    "not_informed": gettext_lazy("Affected people never informed"),
    "no_input_sought": gettext_lazy("No input sought"),
    "no_rationale": gettext_lazy("No rationale"),
    "review_overdue": gettext_lazy("Review date passed without a reflection"),
    **PROCESS_FLAGS,
}


def _local(moment: datetime.datetime, decision: Decision) -> str:
    from zoneinfo import ZoneInfo

    return timezone.localtime(moment, ZoneInfo(decision.district.timezone)).strftime(
        "%b %-d, %Y %H:%M"
    )


def decided_flag_codes(record, today: datetime.date) -> list[str]:
    """The flags of a decided decision: the one rule, also followed by the scale builder.

    `record` answers the questions read below. A decision's answers (`_Record`) query only
    when asked, so a question the rule does not reach costs nothing.
    """
    codes = []
    if record.input_closes and record.decided_at < record.input_closes:
        codes.append("decided_early")
    if record.input_opens is None and record.process_type != ProcessType.DELEGATED:
        codes.append("no_input_sought")
    if not record.holds_right:
        codes.append("no_right")
    if not record.rationale.strip():
        codes.append("no_rationale")
    if record.to_inform and not record.informed:
        codes.append("not_informed")
    if record.review_on and record.review_on < today and not record.reflected:
        codes.append("review_overdue")
    return codes


def window_over(status: str) -> bool:
    """Whether consulted groups had their chance to give input.

    Read from the stored status, which the window's close writes (and refreshes the flags),
    so the flags a page computes always equal the stored ones that lists read."""
    return status not in (Status.DRAFT, Status.OPEN_FOR_INPUT, Status.WITHDRAWN)


class _Record:
    """A decision's answers to `decided_flag_codes`."""

    def __init__(self, decision: Decision, stakeholders):
        self.decision = decision
        self.decided_at = decision.decided_at
        self.input_opens = decision.input_opens
        self.input_closes = decision.input_closes
        self.process_type = decision.process_type
        self.rationale = decision.rationale
        self.review_on = decision.review_on
        self.to_inform = [
            s for s in stakeholders if s.involvement in (Involvement.AFFECTED, Involvement.INFORMED)
        ]

    @property
    def holds_right(self) -> bool:
        decision = self.decision
        rights = district_rights(decision)
        if not rights:
            # No map yet: the page says so instead of flagging every decision.
            return True
        return holds_right(decision.decided_by, decision, rights)

    @property
    def informed(self) -> bool:
        decision = self.decision
        events = _loaded(decision, "events")
        if events is not None:
            return any(
                e.kind == DecisionEvent.Kind.INFORMED and e.created_at >= decision.decided_at
                for e in events
            )
        return decision.events.filter(
            kind=DecisionEvent.Kind.INFORMED, created_at__gte=decision.decided_at
        ).exists()

    @property
    def reflected(self) -> bool:
        reflections = _loaded(self.decision, "reflections")
        if reflections is not None:
            return bool(reflections)
        return self.decision.reflections.exists()


def _loaded(decision: Decision, relation: str):
    """The rows a page already read for this relation (prefetched), or None."""
    return getattr(decision, "_prefetched_objects_cache", {}).get(relation)


def district_rights(decision: Decision) -> list:
    """The district's rights map, read once per decision object (the page and the flags share it)."""
    cached = getattr(decision, "_district_rights", None)
    if cached is None:
        cached = list(
            DecisionRight.objects.filter(district_id=decision.district_id).select_related("team")
        )
        decision._district_rights = cached
    return cached


def _message(code: str, decision: Decision, record: _Record) -> str:
    match code:
        case "decided_early":
            return _("Decided %(decided)s, before the input window closed on %(closed)s.") % {
                "decided": _local(decision.decided_at, decision),
                "closed": _local(decision.input_closes, decision),
            }
        case "no_input_sought":
            return _("It was decided without ever opening a window for input.")
        case "no_right":
            who = decision.decided_by.name if decision.decided_by else _("Someone no longer listed")
            return _(
                "%(who)s decided it, but the decision-rights map does not give them the right "
                "to decide %(domain)s at %(level)s level."
            ) % {
                "who": who,
                "domain": decision.get_domain_display().lower(),
                "level": decision.level,
            }
        case "no_rationale":
            return _("The decision was recorded without a rationale.")
        case "not_informed":
            return _("Nobody told the affected people what was decided: %(who)s.") % {
                "who": ", ".join(s.describe() for s in record.to_inform)
            }
        case _:
            return _(
                "The review date (%(date)s) has passed and nobody has written a reflection."
            ) % {"date": f"{decision.review_on:%b %-d, %Y}"}


def _process_message(code: str, decision: Decision) -> str:
    match code:
        case "objection_unresolved":
            return _("It was recorded while an objection still stood unresolved.")
        case "block_ignored":
            return _(
                "It was recorded while a block still stood, without moving to another process."
            )
        case "advice_unanswered":
            return _("It was recorded before every piece of advice had an answer.")
        case "no_named_decider":
            named = decision.decider.name if decision.decider else _("nobody")
            return _("The named decider was %(named)s, but someone else recorded it.") % {
                "named": named
            }
        case "heard_not_recorded":
            return _("It was recorded without writing down what the deciders heard.")
        case _:
            return _("It was recorded without a vote that counts: %(why)s") % {
                "why": " ".join(vote_refusals(decision, facts_of(decision).ballots))
            }


def integrity_flags(decision: Decision, *, today: datetime.date | None = None) -> list[Flag]:
    today = today or timezone.localdate()
    flags: list[Flag] = []
    decided = decision.status in DECIDED_STATUSES and decision.decided_at is not None
    stakeholders = list(decision.stakeholders.all())

    if decided:
        record = _Record(decision, stakeholders)
        for code in decided_flag_codes(record, today):
            flags.append(Flag(code, _message(code, decision, record)))
        for code in process_flag_codes(decision, facts_of(decision)):
            flags.append(Flag(code, _process_message(code, decision)))
    for event in process_changes(decision):
        flags.append(
            Flag(
                "process_changed",
                _("The process changed from %(old)s to %(new)s on %(when)s%(why)s.")
                % {
                    "old": event.old,
                    "new": event.new,
                    "when": _local(event.created_at, decision),
                    "why": f" ({event.note})" if event.note else "",
                },
            )
        )

    # A consulted group is heard only through named input from its members. Anonymous input
    # counts toward the decision's total and toward no single group: were it to clear a
    # group's flag, a decider could add small or overlapping groups after the window closed
    # and read off which one the anonymous writer belongs to.
    consulted = [s for s in stakeholders if s.involvement == Involvement.CONSULTED]
    if window_over(decision.status) and consulted:
        heard = heard_stakeholders(decision, consulted)
        for stakeholder in consulted:
            if stakeholder.pk not in heard:
                flags.append(
                    Flag(
                        "consulted_not_heard",
                        _(
                            "%(who)s was consulted but gave no named input. Anonymous input "
                            "counts toward the decision's total, never toward one group, so "
                            "it cannot point at anyone."
                        )
                        % {"who": stakeholder.describe()},
                    )
                )
    return flags


def heard_stakeholders(decision: Decision, stakeholders) -> set[int]:
    """The ids of the stakeholders with at least one member who gave named input, in one query.

    Who voted is on the record by name (never what they chose), so in a vote they were heard.
    """
    heard_by = Q(pk__in=decision.inputs.filter(author__isnull=False).values("author_id"))
    if decision.process_type == ProcessType.VOTE:
        heard_by |= Q(pk__in=decision.turnout.values("person_id"))
    parts = [
        stakeholder.people()
        .filter(heard_by)
        .annotate(stakeholder_id=Value(stakeholder.pk))
        .order_by()
        .values("stakeholder_id")
        for stakeholder in stakeholders
    ]
    combined = parts[0].union(*parts[1:]).order_by()
    return set(combined.values_list("stakeholder_id", flat=True))


def refresh_flags(decision: Decision) -> list[Flag]:
    """Store the flag codes for lists; `update()` leaves `updated_at` alone, so timing tells nothing."""
    flags = integrity_flags(decision)
    codes = sorted({flag.code for flag in flags})
    if codes != decision.flag_codes:
        Decision.objects.filter(pk=decision.pk).update(flag_codes=codes)
        decision.flag_codes = codes
    return flags
