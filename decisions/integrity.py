"""Process-integrity flags: computed from the record, never typed in by hand."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .models import (
    DECIDED_STATUSES,
    Decision,
    DecisionEvent,
    DecisionRight,
    Involvement,
    ProcessType,
    Status,
    anonymous_key,
    holds_right,
)

# Anonymous input counts towards a consulted group only when the group is at least this big;
# for a smaller group, clearing the flag would say who wrote it.
ANONYMOUS_GROUP_MINIMUM = 3


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


LABELS = {
    "decided_early": "Decided before the input window closed",
    "no_right": "Decided by someone without the decision right",
    "consulted_not_heard": "A consulted stakeholder was never heard",
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

    window_over = decision.status not in (Status.DRAFT, Status.OPEN_FOR_INPUT, Status.WITHDRAWN)
    consulted = [s for s in stakeholders if s.involvement == Involvement.CONSULTED]
    if window_over and consulted:
        inputs = list(decision.inputs.values_list("author_id", "anonymous_key"))
        named_authors = {author for author, key in inputs if author is not None}
        keys = {key for author, key in inputs if key is not None}
        for stakeholder in consulted:
            people = list(stakeholder.people().values_list("pk", flat=True))
            heard = any(pk in named_authors for pk in people)
            if not heard and keys and len(people) >= ANONYMOUS_GROUP_MINIMUM:
                heard = any(anonymous_key(decision.pk, pk) in keys for pk in people)
            if not heard:
                flags.append(
                    Flag(
                        "consulted_not_heard",
                        f"{stakeholder.describe()} was consulted but gave no input"
                        + (
                            " (anonymous input counts only for groups of three or more, "
                            "so nobody is identified)."
                            if len(people) < ANONYMOUS_GROUP_MINIMUM
                            else "."
                        ),
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
