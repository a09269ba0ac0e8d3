"""Each district's daily digest goes out at its own hour in its own zone, once a day."""

import datetime

import pytest
from django.core import mail

from notifications import services
from notifications.models import EmailMode, NotificationSettings
from notifications.tasks import send_daily_digests

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def readers(teacher, other_district, other_school, make_person_in):
    """A digest reader in Chicago (6:00 by default) and one in Los Angeles at 7:00."""
    other_district.timezone = "America/Los_Angeles"
    other_district.digest_hour = 7
    other_district.save()
    far = make_person_in(other_district, "teacher", "Lou Park", "lou@harbor.example")
    for person in (teacher, far):
        NotificationSettings.objects.create(user=person, email_mode=EmailMode.DAILY)
    return teacher, far


def waiting(*people):
    services.notify(recipients=list(people), kind="k", subject="Something new")


def sent_to():
    return sorted(m.to[0] for m in mail.outbox)


def test_each_district_gets_its_digest_at_its_own_local_hour(readers, time_machine):
    chicago, los_angeles = readers
    time_machine.move_to(datetime.datetime(2026, 12, 2, 11, 0, tzinfo=UTC))  # 5:00 Chicago
    waiting(chicago, los_angeles)
    assert send_daily_digests() == 0 and mail.outbox == []
    time_machine.move_to(datetime.datetime(2026, 12, 2, 12, 0, tzinfo=UTC))  # 6:00 Chicago
    assert send_daily_digests() == 1
    assert sent_to() == ["charlie@cedar.example"]
    time_machine.move_to(datetime.datetime(2026, 12, 2, 15, 0, tzinfo=UTC))  # 7:00 LA
    assert send_daily_digests() == 1
    assert sent_to() == ["charlie@cedar.example", "lou@harbor.example"]


def test_a_second_run_the_same_day_sends_no_second_digest(readers, time_machine):
    chicago, los_angeles = readers
    time_machine.move_to(datetime.datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    waiting(chicago)
    assert send_daily_digests() == 1
    # Beat firing twice, and later hours of the same day: news waits for tomorrow.
    waiting(chicago)
    assert send_daily_digests() == 0
    time_machine.move_to(datetime.datetime(2026, 12, 3, 5, 0, tzinfo=UTC))  # 23:00 Chicago
    assert send_daily_digests() == 0
    assert sent_to() == ["charlie@cedar.example"]
    time_machine.move_to(datetime.datetime(2026, 12, 3, 12, 0, tzinfo=UTC))  # next 6:00
    assert send_daily_digests() == 1
    assert len(mail.outbox) == 2


def test_a_missed_hour_is_caught_up_later_that_day(readers, time_machine):
    chicago, _ = readers
    time_machine.move_to(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    waiting(chicago)
    time_machine.move_to(datetime.datetime(2026, 12, 2, 14, 0, tzinfo=UTC))  # 8:00 Chicago
    assert send_daily_digests() == 1


def test_the_hour_repeated_when_clocks_fall_back_sends_once(district, readers, time_machine):
    chicago, _ = readers
    district.digest_hour = 1
    district.save()
    waiting(chicago)
    # 1 November 2026: 1:00 in Chicago happens at 6:00 and again at 7:00 UTC.
    time_machine.move_to(datetime.datetime(2026, 11, 1, 6, 0, tzinfo=UTC))
    assert send_daily_digests() == 1
    waiting(chicago)
    time_machine.move_to(datetime.datetime(2026, 11, 1, 7, 0, tzinfo=UTC))
    assert send_daily_digests() == 0
    assert len(mail.outbox) == 1
