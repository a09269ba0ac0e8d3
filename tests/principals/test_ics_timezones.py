"""The calendar feed defines every zone it names, and a calendar app reading it keeps each
meeting at its clock time across daylight saving changes, as the `icalendar` parser reads it."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from principals.ics import vtimezone

pytestmark = pytest.mark.django_db

MOMENTS = [
    datetime.datetime(2026, 1, 6, 9),
    datetime.datetime(2026, 3, 8, 12),
    datetime.datetime(2026, 7, 7, 9),
    datetime.datetime(2026, 11, 1, 12),
    # Past the feed's horizon: the yearly rules carry on.
    datetime.datetime(2029, 7, 3, 9),
    datetime.datetime(2030, 12, 3, 9),
]


def parsed_zone(lines):
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN", *lines])
    calendar = icalendar.Calendar.from_ical(text + "\r\nEND:VCALENDAR\r\n")
    (zone,) = calendar.walk("VTIMEZONE")
    return zone.to_tz()


@pytest.mark.parametrize(
    "name",
    ["America/Chicago", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "UTC"],
)
def test_each_zone_gives_the_offsets_of_the_zone_database(name):
    tz = parsed_zone(
        vtimezone(name, since=datetime.date(2026, 1, 6), until=datetime.date(2027, 2, 1))
    )
    for moment in MOMENTS:
        assert (
            moment.replace(tzinfo=tz).utcoffset()
            == moment.replace(tzinfo=ZoneInfo(name)).utcoffset()
        ), (name, moment)


def test_the_feed_defines_the_zone_it_names_and_its_meetings_keep_their_time(
    principal, client_for, pair
):
    client = client_for(principal)
    address = client.post("/check-ins/calendar/", {"action": "reset"}).context["feed_url"]
    client.logout()
    body = client.get(address).content
    calendar = icalendar.Calendar.from_ical(body)
    zone_name = pair.district.timezone
    assert calendar.get_used_tzids() == {zone_name}
    assert calendar.get_missing_tzids() == set()
    (event,) = calendar.walk("VEVENT")
    (defined,) = calendar.walk("VTIMEZONE")
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None
    local = start.replace(tzinfo=None)
    assert (
        local.replace(tzinfo=defined.to_tz()).utcoffset()
        == local.replace(tzinfo=ZoneInfo(zone_name)).utcoffset()
    )
