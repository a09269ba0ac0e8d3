"""The district chooses how many days ahead check-in reminders go out."""

import datetime

import pytest
from django.core import mail

from principals import reminders

pytestmark = pytest.mark.django_db

MEETING = datetime.datetime(2026, 3, 10, 14, 0, tzinfo=datetime.UTC)  # 9:00 in Chicago


def before(**delta):
    return MEETING - datetime.timedelta(**delta)


def test_a_one_day_district_reminds_the_day_before_and_once(
    district, make_check_in, django_capture_on_commit_callbacks
):
    district.reminder_days_before = 1
    district.save()
    meeting = make_check_in(MEETING)
    assert reminders.reminders_send(now=before(hours=48)) == []
    assert reminders.reminders_send(now=before(hours=25)) == []
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders.reminders_send(now=before(hours=24))
    assert len(sent) == 2 and {n.kind for n in sent} == {"principals.before_48h"}
    assert all(n.key == f"check_in:{meeting.pk}" for n in sent)
    assert all("tomorrow" in m.subject for m in mail.outbox)
    assert reminders.reminders_send(now=before(hours=23)) == []
    assert reminders.reminders_send(now=before(hours=5)) == []
    # The short reminder still goes out once.
    assert {n.kind for n in reminders.reminders_send(now=before(hours=2))} == {
        "principals.before_2h"
    }
    assert reminders.reminders_send(now=before(hours=1)) == []


def test_a_week_ahead_district_reminds_seven_days_before(district, make_check_in):
    district.reminder_days_before = 7
    district.save()
    make_check_in(MEETING)
    # 9:00 on 3 March is an hour later in UTC than 9:00 on 10 March: the clocks changed between.
    assert reminders.reminders_send(now=before(days=7)) == []
    assert len(reminders.reminders_send(now=before(days=6, hours=23))) == 2
    assert reminders.reminders_send(now=before(days=2)) == []


def test_the_default_is_still_two_days(district, make_check_in):
    assert district.reminder_days_before == 2
    make_check_in(MEETING)
    assert reminders.reminders_send(now=before(hours=49)) == []
    assert len(reminders.reminders_send(now=before(hours=48))) == 2
