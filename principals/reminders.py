"""Check-in reminders, each sent exactly once, and the overdue-pair flags; `dispatch` is what beat runs."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from districts.languages import language_of
from districts.models import District, User
from districts.models.core import REMINDER_DAYS_MAX
from notifications.models import Notification
from notifications.services import Notice, notices_write, notify, time_label

from .models import CheckIn, CheckInPair, PrivateNote, ReminderKind
from .services import occurrences_plan

OVERDUE_MARGIN = datetime.timedelta(days=3)
NUDGE_AFTER = datetime.timedelta(hours=1)
NUDGE_UNTIL = datetime.timedelta(days=3)

logger = logging.getLogger(__name__)


@dataclass
class Due:
    check_in: CheckIn
    kind: str
    recipients: list[User] = field(default_factory=list)


def days_before(check_in: CheckIn) -> datetime.datetime:
    """The same clock time the district's reminder days earlier in its zone, across a clock
    change."""
    local = timezone.localtime(check_in.scheduled_at, check_in.pair.zone)
    days = check_in.pair.district.reminder_days_before
    return (local - datetime.timedelta(days=days)).astimezone(datetime.UTC)


def _within_reminder_days(now: datetime.datetime) -> Q:
    """Meetings inside their district's reminder window; a day of wall-clock time may be 25
    hours across a clock change."""
    window = Q()
    for days in range(1, REMINDER_DAYS_MAX + 1):
        window |= Q(
            pair__district__reminder_days_before=days,
            scheduled_at__lte=now + datetime.timedelta(days=days, hours=1),
        )
    return window


def due_reminders(now: datetime.datetime) -> list[Due]:
    """What should have gone out by `now`, in three queries whatever the number of pairs."""
    people = ("pair__supervisor", "pair__principal", "pair__school", "pair__district")
    upcoming = CheckIn.objects.filter(
        _within_reminder_days(now),
        status=CheckIn.Status.SCHEDULED,
        scheduled_at__gt=now,
        pair__active=True,
    ).select_related(*people)
    dues = []
    for check_in in upcoming:
        # One reminder per window: a meeting two hours away gets only the short reminder.
        try:
            if check_in.scheduled_at - now <= datetime.timedelta(hours=2):
                kind = ReminderKind.BEFORE_2H
            elif now >= days_before(check_in):
                kind = ReminderKind.BEFORE_48H
            else:
                continue
        except Exception:
            # A meeting whose clock cannot be read (saved past the checks) is skipped alone.
            logger.exception("Reminder for check-in %s cannot be written; skipped", check_in.pk)
            continue
        pair = check_in.pair
        dues.append(Due(check_in, kind, [pair.supervisor, pair.principal]))

    past = list(
        CheckIn.objects.filter(
            status__in=[CheckIn.Status.SCHEDULED, CheckIn.Status.HELD],
            scheduled_at__lte=now - NUDGE_AFTER,
            scheduled_at__gt=now - NUDGE_UNTIL,
        ).select_related(*people)
    )
    wrote = set(
        PrivateNote.objects.filter(check_in__in=[c.pk for c in past])
        .exclude(text="")
        .values_list("check_in_id", "author_id")
    )
    for check_in in past:
        pair = check_in.pair
        missing = [
            person
            for person in (pair.supervisor, pair.principal)
            if (check_in.pk, person.pk) not in wrote
        ]
        if missing:
            dues.append(Due(check_in, ReminderKind.NOTES_NUDGE, missing))
    return dues


def reminder_text(due: Due, recipient: User) -> tuple[str, str]:
    """What a reminder says. Never the agenda or notes: the notice links to the meeting, where
    only the two people in it (and the superintendent) read them."""
    check_in = due.check_in
    pair = check_in.pair
    other = pair.principal if recipient.pk == pair.supervisor_id else pair.supervisor
    when = time_label(check_in.scheduled_at, pair.district.timezone)
    if due.kind == ReminderKind.NOTES_NUDGE:
        subject = _("Your notes on the check-in with %(name)s") % {"name": other.name}
        body = _(
            "You met %(name)s (%(school)s) on %(when)s. "
            "Write down what you heard and what you agreed while it is fresh; "
            "your private notes are yours alone."
        ) % {"name": other.name, "school": pair.school.name, "when": when}
        return subject, body
    days = pair.district.reminder_days_before
    if due.kind == ReminderKind.BEFORE_2H:
        subject = _("Check-in with %(name)s in two hours") % {"name": other.name}
    elif days == 1:
        subject = _("Check-in with %(name)s tomorrow") % {"name": other.name}
    else:
        subject = ngettext(
            "Check-in with %(name)s in %(days)d day",
            "Check-in with %(name)s in %(days)d days",
            days,
        ) % {"name": other.name, "days": days}
    when_where = _("Your check-in with %(name)s (%(school)s) is on %(when)s.") % {
        "name": other.name,
        "school": pair.school.name,
        "when": when,
    }
    body = when_where + " " + _("Open the meeting to read its agenda and add what matters to you.")
    return subject, body


def reminders_send(*, now: datetime.datetime | None = None) -> list[Notification]:
    """Write every due reminder into the outbox, once per meeting, person and kind."""
    now = now or timezone.now()
    dues = due_reminders(now)
    if not dues:
        return []
    # One reverse() for all: the check-in address is this prefix and the id.
    prefix = reverse("principals:index")
    notices = []
    for due in dues:
        try:
            texts = []
            for person in due.recipients:
                # Written in each person's own language, like every notice.
                with translation.override(language_of(person)):
                    texts.append((person, *reminder_text(due, person)))
        except Exception:
            # One meeting that cannot be described (saved past the checks) is skipped: the
            # other reminders of the run still go out.
            logger.exception("Reminder for check-in %s cannot be written; skipped", due.check_in.pk)
            continue
        for person, subject, body in texts:
            notices.append(
                Notice(
                    recipient=person,
                    kind=f"principals.{due.kind}",
                    subject=subject,
                    body=body,
                    url=f"{prefix}{due.check_in.pk}/",
                    key=f"check_in:{due.check_in.pk}",
                )
            )
    with transaction.atomic():
        # Two runs at once take turns here, so each reports only the reminders it wrote.
        districts = {due.check_in.district_id for due in dues}
        list(District.objects.select_for_update().filter(pk__in=districts).values_list("pk"))
        return notices_write(notices, now=now)


# --- Pairs past their cadence ---------------------------------------------------------------


def late_subject(names: list[str]) -> str:
    """The first three names, and how many more."""
    first = ", ".join(names[:3])
    if len(names) <= 3:
        return _("No check-in for a while with %(names)s") % {"names": first}
    more = len(names) - 3
    return ngettext(
        "No check-in for a while with %(names)s and %(more)d more",
        "No check-in for a while with %(names)s and %(more)d more",
        more,
    ) % {"names": first, "more": more}


def overdue_pairs_flag(*, now: datetime.datetime | None = None) -> list[int]:
    """Flag pairs with no held meeting within their interval plus a margin; tell the supervisor once."""
    now = now or timezone.now()
    pairs = CheckInPair.objects.filter(active=True).annotate(
        last_held=Max("check_ins__scheduled_at", filter=Q(check_ins__status=CheckIn.Status.HELD))
    )
    late, fine = [], []
    for pk, started, interval, last_held, flagged in pairs.values_list(
        "pk", "starts_on", "interval_weeks", "last_held", "overdue_since"
    ):
        allowed = datetime.timedelta(weeks=interval) + OVERDUE_MARGIN
        since = last_held or datetime.datetime.combine(
            started, datetime.time(), tzinfo=datetime.UTC
        )
        if now - since > allowed:
            if flagged is None:
                late.append(pk)
        elif flagged is not None:
            fine.append(pk)
    if fine:
        CheckInPair.objects.filter(pk__in=fine).update(overdue_since=None)
    if not late:
        return []
    with transaction.atomic():
        # Locked rows are another run's to flag: each pair is flagged, and told, once.
        flagged_now = list(
            CheckInPair.objects.select_for_update(skip_locked=True)
            .filter(pk__in=late, overdue_since__isnull=True)
            .values_list("pk", flat=True)
        )
        CheckInPair.objects.filter(pk__in=flagged_now).update(overdue_since=now)
    by_supervisor = defaultdict(list)
    for pair in CheckInPair.objects.filter(pk__in=flagged_now).select_related(
        "supervisor", "principal"
    ):
        by_supervisor[pair.supervisor].append(pair.principal.name)
    for supervisor, names in by_supervisor.items():
        try:
            notify(
                recipients=[supervisor],
                kind="principals.overdue",
                subject=lambda names=names: late_subject(names),
                body=lambda names=names: (
                    _(
                        "These principals have not had a check-in within your agreed rhythm: "
                        "%(names)s. Find a time soon."
                    )
                    % {"names": ", ".join(names)}
                ),
                url=reverse("principals:index"),
            )
        except Exception:
            logger.exception("Supervisor %s cannot be told of late pairs; skipped", supervisor.pk)
    return flagged_now


def dispatch(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """What beat runs every few minutes: plan, remind and flag.

    Each step runs whatever happened in the one before: a failure is logged, and the
    reminders of every district still go out.
    """
    now = now or timezone.now()
    steps = {
        "planned": lambda: occurrences_plan(today=now.date()),
        "reminded": lambda: len(reminders_send(now=now)),
        "flagged": lambda: len(overdue_pairs_flag(now=now)),
    }
    done = {}
    for name, step in steps.items():
        try:
            done[name] = step()
        except Exception:
            logger.exception("Check-in dispatch: the %r step failed; the others still ran", name)
            done[name] = 0
    return done
