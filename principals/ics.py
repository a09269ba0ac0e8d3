"""One person's check-ins as an iCalendar feed (RFC 5545), written by hand.

Each pair is one series (`RRULE:FREQ=WEEKLY;INTERVAL=n`) in the district's time zone, with an
`EXDATE` for every cadence date skipped for a break or moved to another day; a moved meeting is
a single event of its own. Every zone named by a `TZID` is defined in a `VTIMEZONE`, as RFC 5545
requires: its offsets from the first meeting to the end of the `EXDATE` horizon, read from the
zone database.
"""

from __future__ import annotations

import datetime
import logging
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import cadence
from .models import CheckIn, CheckInPair, SchoolBreak

EXDATE_HORIZON = datetime.timedelta(days=400)

logger = logging.getLogger(__name__)


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def local_stamp(day: datetime.date, at: datetime.time) -> str:
    return f"{day:%Y%m%d}T{at:%H%M%S}"


def utc_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def feed_for(user, *, host: str = "roundtable") -> str:
    pairs = list(
        CheckInPair.objects.filter(district_id=user.district_id, active=True)
        .filter(Q(principal=user) | Q(supervisor=user))
        .select_related("principal", "supervisor", "school", "district")
    )
    pair_ids = [p.pk for p in pairs]
    breaks = [
        (b.starts_on, b.ends_on) for b in SchoolBreak.objects.filter(district_id=user.district_id)
    ]
    moved_away: dict[int, list[datetime.date]] = {}
    single_events = []
    for meeting in CheckIn.objects.filter(pair_id__in=pair_ids).filter(
        Q(status=CheckIn.Status.RESCHEDULED) | Q(cadence_on__isnull=True)
    ):
        if meeting.status == CheckIn.Status.RESCHEDULED and meeting.cadence_on:
            moved_away.setdefault(meeting.pair_id, []).append(meeting.cadence_on)
        if meeting.cadence_on is None and meeting.status != CheckIn.Status.RESCHEDULED:
            single_events.append(meeting)
    stamp = utc_stamp(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Roundtable//Check-ins//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(_('Check-ins'))}",
    ]
    by_pk = {pair.pk: pair for pair in pairs}
    until = timezone.now() + EXDATE_HORIZON
    for zone in sorted({pair.district.timezone for pair in pairs}):
        since = min(p.starts_on for p in pairs if p.district.timezone == zone)
        lines += vtimezone(zone, since=since, until=until.date())
    for pair in pairs:
        try:
            lines += series_event(pair, user, host, stamp, breaks, moved_away.get(pair.pk, []))
        except Exception:
            # A pair saved past the checks (a date no calendar holds) leaves out its own
            # series; the rest of the calendar still loads.
            logger.exception("Check-in pair %s left out of a calendar feed", pair.pk)
    for meeting in single_events:
        pair = by_pk[meeting.pair_id]
        other = pair.principal if pair.supervisor_id == user.pk else pair.supervisor
        lines += [
            "BEGIN:VEVENT",
            f"UID:check-in-{meeting.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc_stamp(meeting.scheduled_at)}",
            "DURATION:PT1H",
            "SUMMARY:" + escape(_("Check-in with %(name)s (moved)") % {"name": other.name}),
            f"LOCATION:{escape(pair.school.name)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _offset(delta: datetime.timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{minutes:02d}"


def transitions(zone: ZoneInfo, since: datetime.datetime, until: datetime.datetime):
    """Each moment in [since, until) at which the zone's offset changes, found day by day."""
    moment = since
    offset = moment.astimezone(zone).utcoffset()
    while moment < until:
        following = moment + datetime.timedelta(days=1)
        if following.astimezone(zone).utcoffset() != offset:
            low, high = moment, following
            while high - low > datetime.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            change = high.replace(second=0, microsecond=0)
            yield change
            offset = change.astimezone(zone).utcoffset()
        moment = following


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _yearly_rule(onset: datetime.datetime) -> str:
    """The yearly rule a change follows, such as the second Sunday of March or the last one."""
    following_month = (onset.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    days_in_month = (following_month - datetime.timedelta(days=1)).day
    nth = "-1" if onset.day + 7 > days_in_month else str((onset.day - 1) // 7 + 1)
    return f"RRULE:FREQ=YEARLY;BYMONTH={onset.month};BYDAY={nth}{_WEEKDAYS[onset.weekday()]}"


def vtimezone(name: str, *, since: datetime.date, until: datetime.date) -> list[str]:
    """The zone's offsets from a year before `since` to `until`, one observance per change; the
    last two changes repeat yearly, so meetings past `until` keep their clock time."""
    zone = ZoneInfo(name)
    start = datetime.datetime.combine(
        since - datetime.timedelta(days=366), datetime.time(), tzinfo=datetime.UTC
    )
    end = datetime.datetime.combine(until, datetime.time(), tzinfo=datetime.UTC)
    observances = [(start, start.astimezone(zone).utcoffset())]
    for change in transitions(zone, start, end):
        observances.append((change, observances[-1][0].astimezone(zone).utcoffset()))
    # Still changing twice a year at the end: the last two changes are the zone's yearly rule.
    repeating = len(observances) >= 3 and end - observances[-2][0] < datetime.timedelta(days=400)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}"]
    for index, (moment, before) in enumerate(observances):
        local = moment.astimezone(zone)
        kind = "DAYLIGHT" if local.dst() else "STANDARD"
        onset = (moment + before).replace(tzinfo=None)
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{onset:%Y%m%dT%H%M%S}",
            f"TZOFFSETFROM:{_offset(before)}",
            f"TZOFFSETTO:{_offset(local.utcoffset())}",
            f"TZNAME:{escape(local.tzname() or name)}",
        ]
        if repeating and index >= len(observances) - 2:
            lines.append(_yearly_rule(onset))
        lines.append(f"END:{kind}")
    lines.append("END:VTIMEZONE")
    return lines


def series_event(pair, user, host: str, stamp: str, breaks, moved_away) -> list[str]:
    """One pair's meetings as a repeating event, with the skipped and moved dates left out."""
    zone = pair.district.timezone
    first = cadence.first_date(pair.starts_on, pair.weekday)
    other = pair.principal if pair.supervisor_id == user.pk else pair.supervisor
    skipped = [
        day
        for day in cadence.series_dates(
            starts_on=pair.starts_on,
            weekday=pair.weekday,
            interval_weeks=pair.interval_weeks,
            since=first,
            until=timezone.localdate() + EXDATE_HORIZON,
        )
        if cadence.in_break(day, breaks)
    ]
    skipped = sorted(set(skipped) | set(moved_away))
    lines = [
        "BEGIN:VEVENT",
        f"UID:pair-{pair.pk}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;TZID={zone}:{local_stamp(first, pair.local_time)}",
        "DURATION:PT1H",
        f"RRULE:FREQ=WEEKLY;INTERVAL={pair.interval_weeks}",
    ]
    if skipped:
        lines.append(
            f"EXDATE;TZID={zone}:" + ",".join(local_stamp(day, pair.local_time) for day in skipped)
        )
    lines += [
        "SUMMARY:" + escape(_("Check-in with %(name)s") % {"name": other.name}),
        f"LOCATION:{escape(pair.school.name)}",
        "END:VEVENT",
    ]
    return lines
