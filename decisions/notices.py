"""Who hears about a decision, and when: each notice is claimed once per decision, person and kind.

`dispatch_due` is the beat's entry point: it closes windows on time and sends what has come due.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from districts.bounds import one_line
from districts.models import TeamMembership, User
from notifications.services import Words, notify, time_label

from .integrity import refresh_flags
from .models import Decision, DecisionEvent, Involvement, NoticeKind, Status, people_of

logger = logging.getLogger(__name__)

INPUT_INVOLVEMENTS = (Involvement.CONSULTED, Involvement.AFFECTED)


def notify_once(
    *,
    decision: Decision,
    people: Iterable[User],
    kind: str,
    subject: Words,
    body: Words = "",
) -> list[User]:
    """Notify each person once per decision and kind; returns those newly notified."""
    written = notify(
        recipients=people,
        kind=f"decisions.{kind}",
        subject=subject,
        body=body,
        url=decision.get_absolute_url(),
        key=f"decision:{decision.pk}",
    )
    return [notice.recipient for notice in written]


def window_opened_send(decision: Decision) -> list[User]:
    if not decision.window_is_open:
        return []
    # The district's clock and the year: a notice is read away from the page, maybe much later.
    return notify_once(
        decision=decision,
        people=people_of(decision, INPUT_INVOLVEMENTS + (Involvement.INFORMED,)),
        kind=NoticeKind.WINDOW_OPENED,
        subject=lambda: _("Your input is invited: %(title)s") % {"title": one_line(decision.title)},
        body=lambda: (
            _("%(number)s is open for input until %(closes)s. It affects you or asks your advice.")
            % {
                "number": decision.number,
                "closes": time_label(decision.input_closes, decision.district.timezone),
            }
        ),
    )


def decided_send(*, decision: Decision, by: User | None) -> int:
    """Tell every stakeholder what was decided, and keep that as an event."""
    sent = notify_once(
        decision=decision,
        people=people_of(decision),
        kind=NoticeKind.DECIDED,
        subject=lambda: _("Decided: %(title)s") % {"title": one_line(decision.title)},
        body=lambda: (
            f"{decision.number}: {decision.outcome[:300]}\n\n"
            + _(
                "If you gave input, anonymous or named, the deciders' answers are in your "
                "“My input” page."
            )
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


def people_without_named_input(decision: Decision, people: Iterable[User]) -> list[User]:
    """People who have given no named input.

    Anonymous input is deliberately not subtracted: if it were, who did *not* get the reminder
    (visible in inboxes and the admin) would point at who wrote the anonymous input.
    """
    named = set(decision.inputs.filter(author__isnull=False).values_list("author_id", flat=True))
    return [p for p in people if p.pk not in named]


def closing_soon_send(decision: Decision) -> list[User]:
    waiting = people_without_named_input(decision, people_of(decision, INPUT_INVOLVEMENTS))
    return notify_once(
        decision=decision,
        people=waiting,
        kind=NoticeKind.CLOSING_SOON,
        subject=lambda: (
            _("Input closes within 48 hours: %(title)s") % {"title": one_line(decision.title)}
        ),
        body=lambda: (
            _(
                "Input on %(number)s closes soon and we have no named input from you. "
                "If you gave anonymous input, you can ignore this: anonymous input is not linked "
                "to anyone, so reminders cannot leave you out."
            )
            % {"number": decision.number}
        ),
    )


def reflection_due_send(decision: Decision) -> list[User]:
    """At the review date, the deciders and the people it affected are asked to reflect."""
    deciders = set(people_of(decision, (Involvement.DECIDES, Involvement.AFFECTED)))
    if decision.owning_team_id:
        deciders |= {
            m.user
            for m in TeamMembership.objects.current()
            .filter(team_id=decision.owning_team_id)
            .select_related("user")
        }
    if decision.decided_by:
        deciders.add(decision.decided_by)
    return notify_once(
        decision=decision,
        people=deciders,
        kind=NoticeKind.REFLECTION_DUE,
        subject=lambda: _("Time to reflect: %(title)s") % {"title": one_line(decision.title)},
        body=lambda: (
            _(
                "%(number)s reached its review date. What happened, and what did we learn? "
                "The deciders and the people it affected can each add a reflection."
            )
            % {"number": decision.number}
        ),
    )


def _each(pks, step, what: str) -> int:
    """Run `step` on each decision in its own transaction; one that fails is logged and skipped."""
    done = 0
    for pk in pks:
        try:
            with transaction.atomic():
                done += step(Decision.objects.select_for_update().get(pk=pk))
        except Exception:
            logger.exception("Decision %s: %s failed; the run goes on without it.", pk, what)
    return done


def dispatch_due(now: datetime.datetime | None = None) -> dict[str, int]:
    """Close windows on time and send each notice that has come due, once."""
    now = now or timezone.now()

    def close(decision: Decision) -> int:
        if not decision.settle():
            return 0
        refresh_flags(decision)
        return 1

    def remind(decision: Decision) -> int:
        sent = len(window_opened_send(decision))
        if decision.input_closes <= now + datetime.timedelta(hours=48):
            counts["closing"] += len(closing_soon_send(decision))
        return sent

    def reflect(decision: Decision) -> int:
        sent = len(reflection_due_send(decision))
        if "review_overdue" not in decision.flag_codes:
            refresh_flags(decision)
        return sent

    counts = {"closed": 0, "opened": 0, "closing": 0, "reflection": 0}
    ids = Decision.objects.values_list("pk", flat=True)
    counts["closed"] = _each(
        ids.filter(status=Status.OPEN_FOR_INPUT, input_closes__lte=now), close, "closing input"
    )
    counts["opened"] = _each(
        ids.filter(status=Status.OPEN_FOR_INPUT, input_opens__lte=now, input_closes__gt=now),
        remind,
        "input reminders",
    )
    counts["reflection"] = _each(
        ids.filter(
            status__in=[Status.DECIDED, Status.IMPLEMENTING, Status.REVIEWING],
            review_on__lte=timezone.localdate(now),
            reflections__isnull=True,
        ),
        reflect,
        "reflection reminder",
    )
    return counts


def loopback_send(entry) -> list[User]:
    """Tell the author of named input that the deciders answered it, ruled on it or changed
    the decision because of it: once per input and kind of news.

    Anonymous input gets no notice: any row naming its author would link them to it. Its
    author finds the answer in their own "My input" view, which looks their input up by its
    sealed key while they read it, and the "decided" notice to everyone says where to look.
    """
    if entry.is_anonymous or entry.author is None or not entry.author.is_active:
        return []
    decision = entry.decision
    if entry.resolution:
        news, kind = gettext_noop("ruled on"), "ruled"
    elif entry.changed_decision:
        news, kind = gettext_noop("changed the decision because of"), "changed"
    else:
        news, kind = gettext_noop("answered"), "answered"
    written = notify(
        recipients=[entry.author],
        kind="decisions.loopback",
        subject=lambda: (
            _("The deciders %(news)s your input: %(title)s")
            % {"news": _(news), "title": one_line(decision.title)}
        ),
        body=(entry.response or entry.resolution_note or "")[:300],
        url=decision.get_absolute_url() + "#input",
        key=f"input:{entry.pk}:{kind}",
    )
    return [notice.recipient for notice in written]
