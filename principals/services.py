"""Writes of the check-ins app: planning occurrences, reminders sent exactly once, meeting records."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.bounds import check_date
from districts.models import District, School, Theme, User
from notifications.services import notify, time_label

from . import cadence
from .models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    CheckIn,
    CheckInPair,
    PrivateNote,
    Problem,
    SchoolBreak,
)

HORIZON_WEEKS = 8
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


# --- Writing in a meeting -------------------------------------------------------------------


def agenda_item_add(*, check_in: CheckIn, by: User, kind: str, text: str) -> AgendaItem:
    if check_in.status in (CheckIn.Status.RESCHEDULED, CheckIn.Status.MISSED):
        raise ValidationError(_("Add items to the next meeting: this one did not take place."))
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
        raise ValidationError({"owner": _("The owner is one of the two people in the meeting.")})
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
        raise ValidationError(_("Choose held or missed; to move a meeting, pick a new date."))
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
        raise ValidationError(_("Only a planned or missed meeting can be moved."))
    pair = check_in.pair
    try:
        check_date(on)
    except ValidationError as error:
        raise ValidationError({"on": error}) from None
    when = cadence.instant(on, at or pair.local_time, pair.district.timezone)
    if when <= timezone.now():
        raise ValidationError({"on": _("Pick a day and time that is still ahead.")})
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
        raise ValidationError(_("This meeting was already moved.")) from None
    # The agenda travels with the meeting.
    AgendaItem.objects.filter(check_in=check_in, resolved_at__isnull=True).update(check_in=moved)
    other = pair.principal if by.pk == pair.supervisor_id else pair.supervisor
    notify(
        recipients=[other],
        kind="principals.moved",
        subject=lambda: (
            _("Check-in moved to %(when)s")
            % {"when": time_label(moved.scheduled_at, pair.district.timezone)}
        ),
        body=lambda: (
            _("%(name)s moved your check-in of %(when)s.")
            % {"name": by.name, "when": time_label(check_in.scheduled_at, pair.district.timezone)}
        ),
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


def calendar_feed_reset(*, user: User) -> tuple[CalendarFeed, str]:
    """A new secret address and its token (to show once); the old one stops working at once."""
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
        return CalendarFeed.issue(user=user)


def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()
