"""Writes of the check-ins app: planning occurrences, reminders sent exactly once, meeting records."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.bounds import check_date
from districts.models import District, School, Theme, User
from notifications.models import Notification
from notifications.services import Notice, notices_write, notify, time_label

from . import cadence
from .models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    CheckIn,
    CheckInPair,
    PrivateNote,
    Problem,
    ReminderKind,
    SchoolBreak,
)

HORIZON_WEEKS = 8
OVERDUE_MARGIN = datetime.timedelta(days=3)
NUDGE_AFTER = datetime.timedelta(hours=1)
NUDGE_UNTIL = datetime.timedelta(days=3)
BATCH = 2000

logger = logging.getLogger(__name__)


# --- Planning occurrences -------------------------------------------------------------------


def breaks_by_district(district_ids) -> dict[int, list[cadence.Break]]:
    found: dict[int, list[cadence.Break]] = defaultdict(list)
    for district_id, starts_on, ends_on in SchoolBreak.objects.filter(
        district_id__in=district_ids
    ).values_list("district_id", "starts_on", "ends_on"):
        found[district_id].append((starts_on, ends_on))
    return found


def occurrences_plan(*, today: datetime.date | None = None, weeks: int = HORIZON_WEEKS) -> int:
    """Create the check-ins of the coming weeks for every active pair that needs more.

    A handful of queries whatever the number of pairs: the unique (pair, cadence date) makes a
    second run, or two at once, insert nothing.
    """
    today = today or timezone.now().date()
    until = today + datetime.timedelta(weeks=weeks)
    pairs = list(
        CheckInPair.objects.filter(active=True)
        .filter(Q(planned_through__isnull=True) | Q(planned_through__lt=until))
        .values_list(
            "pk",
            "district_id",
            "district__timezone",
            "starts_on",
            "weekday",
            "local_time",
            "interval_weeks",
            "planned_through",
        )
    )
    if not pairs:
        return 0
    breaks = breaks_by_district({row[1] for row in pairs})
    rows, planned_pairs = [], []
    for pk, district_id, zone, starts_on, weekday, at, interval, planned in pairs:
        since = max(today, planned + datetime.timedelta(days=1)) if planned else today
        try:
            rows += [
                CheckIn(
                    district_id=district_id,
                    pair_id=pk,
                    cadence_on=day,
                    scheduled_at=cadence.instant(day, at, zone),
                )
                for day in cadence.cadence_dates(
                    starts_on=starts_on,
                    weekday=weekday,
                    interval_weeks=interval,
                    since=since,
                    until=until,
                    breaks=breaks.get(district_id, ()),
                )
            ]
        except Exception:
            # A pair no calendar can plan (saved past the checks) must not stop everyone
            # else's meetings: it stays unplanned, and is tried again on the next run.
            logger.exception("Check-in pair %s cannot be planned; skipped", pk)
        else:
            planned_pairs.append(pk)
    with transaction.atomic():
        CheckIn.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        CheckInPair.objects.filter(pk__in=planned_pairs).update(planned_through=until)
    return len(rows)


def future_empty_occurrences(pair_ids=None, district_id=None):
    """Scheduled, generated meetings in the future that nobody has written anything into yet."""
    occurrences = CheckIn.objects.filter(
        status=CheckIn.Status.SCHEDULED,
        cadence_on__isnull=False,
        scheduled_at__gt=timezone.now(),
        agenda_items__isnull=True,
        action_items__isnull=True,
        shared_notes="",
    )
    if pair_ids is not None:
        occurrences = occurrences.filter(pair_id__in=pair_ids)
    if district_id is not None:
        occurrences = occurrences.filter(district_id=district_id)
    return occurrences


@transaction.atomic
def pair_create(
    *,
    district: District,
    supervisor: User,
    principal: User,
    school: School,
    weekday: int,
    local_time: datetime.time,
    starts_on: datetime.date,
    interval_weeks: int = 2,
) -> CheckInPair:
    pair = CheckInPair(
        district=district,
        supervisor=supervisor,
        principal=principal,
        school=school,
        weekday=weekday,
        local_time=local_time,
        starts_on=starts_on,
        interval_weeks=interval_weeks,
    )
    pair.full_clean()
    pair.save()
    transaction.on_commit(lambda: occurrences_plan())
    return pair


@transaction.atomic
def school_break_create(
    *, district: District, name: str, starts_on: datetime.date, ends_on: datetime.date
) -> SchoolBreak:
    school_break = SchoolBreak(district=district, name=name, starts_on=starts_on, ends_on=ends_on)
    school_break.full_clean()
    school_break.save()
    # Meetings already planned inside the break go away unless someone already wrote in them.
    future_empty_occurrences(district_id=district.pk).filter(
        cadence_on__gte=starts_on, cadence_on__lte=ends_on
    ).delete()
    return school_break


# --- Reminders, once each ------------------------------------------------------------------


@dataclass
class Due:
    check_in: CheckIn
    kind: str
    recipients: list[User] = field(default_factory=list)


def two_days_before(check_in: CheckIn) -> datetime.datetime:
    """The same clock time two days earlier in the district's zone, across a clock change."""
    local = timezone.localtime(check_in.scheduled_at, check_in.pair.zone)
    return (local - datetime.timedelta(days=2)).astimezone(datetime.UTC)


def due_reminders(now: datetime.datetime) -> list[Due]:
    """What should have gone out by `now`, in three queries whatever the number of pairs."""
    people = ("pair__supervisor", "pair__principal", "pair__school", "pair__district")
    upcoming = CheckIn.objects.filter(
        status=CheckIn.Status.SCHEDULED,
        scheduled_at__gt=now,
        # Two days of wall-clock time may be 49 hours across a clock change.
        scheduled_at__lte=now + datetime.timedelta(hours=49),
        pair__active=True,
    ).select_related(*people)
    dues = []
    for check_in in upcoming:
        # One reminder per window: a meeting two hours away gets only the short reminder.
        try:
            if check_in.scheduled_at - now <= datetime.timedelta(hours=2):
                kind = ReminderKind.BEFORE_2H
            elif now >= two_days_before(check_in):
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
        subject = f"Your notes on the check-in with {other.name}"
        body = (
            f"You met {other.name} ({pair.school.name}) on {when}. "
            "Write down what you heard and what you agreed while it is fresh; "
            "your private notes are yours alone."
        )
        return subject, body
    soon = "in two hours" if due.kind == ReminderKind.BEFORE_2H else "in two days"
    subject = f"Check-in with {other.name} {soon}"
    body = f"Your check-in with {other.name} ({pair.school.name}) is on {when}. " + _(
        "Open the meeting to read its agenda and add what matters to you."
    )
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
            texts = [(person, *reminder_text(due, person)) for person in due.recipients]
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
                subject=f"No check-in for a while with {', '.join(names[:3])}"
                + (f" and {len(names) - 3} more" if len(names) > 3 else ""),
                body="These principals have not had a check-in within your agreed rhythm: "
                + ", ".join(names)
                + ". Find a time soon.",
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


# --- Writing in a meeting -------------------------------------------------------------------


def agenda_item_add(*, check_in: CheckIn, by: User, kind: str, text: str) -> AgendaItem:
    if check_in.status in (CheckIn.Status.RESCHEDULED, CheckIn.Status.MISSED):
        raise ValidationError("Add items to the next meeting: this one did not take place.")
    item = AgendaItem(
        district_id=check_in.district_id,
        pair_id=check_in.pair_id,
        check_in=check_in,
        added_by=by,
        kind=kind,
        text=text.strip(),
    )
    item.full_clean()
    item.save()
    return item


def agenda_item_resolve(*, item: AgendaItem, at: CheckIn, resolved: bool = True) -> AgendaItem:
    if resolved:
        item.resolve(at=at)
    else:
        item.reopen()
    item.save(update_fields=["resolved_at", "resolved_in"])
    return item


def action_item_add(
    *, check_in: CheckIn, owner: User, text: str, due_on: datetime.date | None
) -> ActionItem:
    if owner.pk not in (check_in.pair.supervisor_id, check_in.pair.principal_id):
        raise ValidationError({"owner": "The owner is one of the two people in the meeting."})
    item = ActionItem(
        district_id=check_in.district_id,
        pair_id=check_in.pair_id,
        check_in=check_in,
        owner=owner,
        text=text.strip(),
        due_on=due_on,
    )
    item.full_clean()
    item.save()
    return item


def action_item_set_done(*, item: ActionItem, done: bool) -> ActionItem:
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at"])
    return item


def check_in_record(
    *,
    check_in: CheckIn,
    shared_notes: str,
    pulse: int | None,
    reflection: str,
) -> CheckIn:
    check_in.shared_notes = shared_notes
    check_in.pulse = pulse
    check_in.reflection = reflection
    check_in.full_clean()
    check_in.save(update_fields=["shared_notes", "pulse", "reflection", "updated_at"])
    return check_in


def private_note_save(*, check_in: CheckIn, author: User, text: str) -> PrivateNote:
    note, _created = PrivateNote.objects.update_or_create(
        check_in=check_in, author=author, defaults={"text": text}
    )
    return note


@transaction.atomic
def check_in_set_status(*, check_in: CheckIn, status: str) -> CheckIn:
    if status == CheckIn.Status.HELD:
        check_in.mark_held()
    elif status == CheckIn.Status.MISSED:
        check_in.mark_missed()
    else:
        raise ValidationError("Choose held or missed; to move a meeting, pick a new date.")
    check_in.save(update_fields=["status", "updated_at"])
    if status == CheckIn.Status.HELD:
        CheckInPair.objects.filter(pk=check_in.pair_id).update(overdue_since=None)
    return check_in


@transaction.atomic
def check_in_reschedule(
    *, check_in: CheckIn, by: User, on: datetime.date, at: datetime.time | None = None
) -> CheckIn:
    """Move one meeting to another day: the old one stays as moved, the new one is a single event."""
    if check_in.status not in (CheckIn.Status.SCHEDULED, CheckIn.Status.MISSED):
        raise ValidationError("Only a planned or missed meeting can be moved.")
    pair = check_in.pair
    try:
        check_date(on)
    except ValidationError as error:
        raise ValidationError({"on": error}) from None
    when = cadence.instant(on, at or pair.local_time, pair.district.timezone)
    if when <= timezone.now():
        raise ValidationError({"on": "Pick a day and time that is still ahead."})
    moved = CheckIn(
        district_id=check_in.district_id,
        pair=pair,
        scheduled_at=when,
        cadence_on=None,
        moved_from=check_in,
    )
    check_in.status = CheckIn.Status.RESCHEDULED
    check_in.save(update_fields=["status", "updated_at"])
    try:
        moved.save()
    except IntegrityError:
        raise ValidationError("This meeting was already moved.") from None
    # The agenda travels with the meeting.
    AgendaItem.objects.filter(check_in=check_in, resolved_at__isnull=True).update(check_in=moved)
    other = pair.principal if by.pk == pair.supervisor_id else pair.supervisor
    notify(
        recipients=[other],
        kind="principals.moved",
        subject=f"Check-in moved to {time_label(moved.scheduled_at, pair.district.timezone)}",
        body=f"{by.name} moved your check-in of "
        f"{time_label(check_in.scheduled_at, pair.district.timezone)}.",
        url=moved.get_absolute_url(),
    )
    return moved


def problem_add(*, check_in: CheckIn, text: str, themes: list[Theme]) -> Problem:
    problem = Problem(
        district_id=check_in.district_id,
        check_in=check_in,
        school_id=check_in.pair.school_id,
        text=text.strip(),
        raised_on=check_in.local_start().date(),
    )
    problem.full_clean()
    problem.save()
    problem.themes.set([theme for theme in themes if theme.district_id == check_in.district_id])
    return problem


def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user, district_id=user.district_id)


def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()
