"""Process-integrity flags: computed from the record, never typed in by hand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

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


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


LABELS = {
    "decided_early": "Decided before the input window closed",
    "no_right": "Decided by someone without the decision right",
    "consulted_not_heard": "A consulted stakeholder gave no named input",
    "not_informed": "Affected people never informed",
    "no_input_sought": "No input sought",
    "no_rationale": "No rationale",
    "review_overdue": "Review date passed without a reflection",
}


def _local(moment: datetime.datetime, decision: Decision) -> str:
    from zoneinfo import ZoneInfo

    return timezone.localtime(moment, ZoneInfo(decision.district.timezone)).strftime(
        "%b %-d, %Y %H:%M"
    )


def integrity_flags(decision: Decision, *, today: datetime.date | None = None) -> list[Flag]:
    today = today or timezone.localdate()
    flags: list[Flag] = []
    decided = decision.status in DECIDED_STATUSES and decision.decided_at is not None
    stakeholders = list(decision.stakeholders.all())

    if decided:
        if decision.input_closes and decision.decided_at < decision.input_closes:
            flags.append(
                Flag(
                    "decided_early",
                    f"Decided {_local(decision.decided_at, decision)}, before the input window "
                    f"closed on {_local(decision.input_closes, decision)}.",
                )
            )
        if decision.input_opens is None and decision.process_type != ProcessType.DELEGATED:
            flags.append(
                Flag("no_input_sought", "It was decided without ever opening a window for input.")
            )
        rights = list(DecisionRight.objects.filter(district_id=decision.district_id))
        if not holds_right(decision.decided_by, decision, rights):
            who = decision.decided_by.name if decision.decided_by else "Someone no longer listed"
            flags.append(
                Flag(
                    "no_right",
                    f"{who} decided it, but the decision-rights map does not give them the right "
                    f"to decide {decision.get_domain_display().lower()} at {decision.level} level.",
                )
            )
        if not decision.rationale.strip():
            flags.append(Flag("no_rationale", "The decision was recorded without a rationale."))
        to_inform = [
            s for s in stakeholders if s.involvement in (Involvement.AFFECTED, Involvement.INFORMED)
        ]
        if (
            to_inform
            and not decision.events.filter(
                kind=DecisionEvent.Kind.INFORMED, created_at__gte=decision.decided_at
            ).exists()
        ):
            flags.append(
                Flag(
                    "not_informed",
                    "Nobody told the affected people what was decided: "
                    + ", ".join(s.describe() for s in to_inform)
                    + ".",
                )
            )
        if decision.review_on and decision.review_on < today and not decision.reflections.exists():
            flags.append(
                Flag(
                    "review_overdue",
                    f"The review date ({decision.review_on:%b %-d, %Y}) has passed and nobody has "
                    "written a reflection.",
                )
            )

    # A consulted group is heard only through named input from its members. Anonymous input
    # counts toward the decision's total and toward no single group: were it to clear a
    # group's flag, a decider could add small or overlapping groups after the window closed
    # and read off which one the anonymous writer belongs to.
    window_over = decision.status not in (Status.DRAFT, Status.OPEN_FOR_INPUT, Status.WITHDRAWN)
    consulted = [s for s in stakeholders if s.involvement == Involvement.CONSULTED]
    if window_over and consulted:
        named_authors = set(
            decision.inputs.filter(author__isnull=False).values_list("author_id", flat=True)
        )
        for stakeholder in consulted:
            heard = named_authors and stakeholder.people().filter(pk__in=named_authors).exists()
            if not heard:
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


def refresh_flags(decision: Decision) -> list[Flag]:
    """Store the flag codes for lists; `update()` leaves `updated_at` alone, so timing tells nothing."""
    flags = integrity_flags(decision)
    codes = sorted({flag.code for flag in flags})
    if codes != decision.flag_codes:
        Decision.objects.filter(pk=decision.pk).update(flag_codes=codes)
        decision.flag_codes = codes
    return flags
