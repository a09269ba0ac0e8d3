"""Dates no calendar holds are refused, and a bad row already saved stops nobody else's work."""

import datetime
import logging

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from districts.models import District
from notifications.models import Email, Notification
from notifications.outbox import due_emails_send
from principals import reminders, services
from principals.models import CalendarFeed, CheckIn, CheckInPair
from principals.tasks import dispatch

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
ABSURD = datetime.date(9999, 12, 31)
# The Tuesday meetings of both pairs fall on 17 March, within 48 hours of this.
NOW = datetime.datetime(2026, 3, 16, 12, tzinfo=UTC)


@pytest.fixture
def harbor_pair(other_district, other_school, outsider, make_person_in, make_pair):
    principal = make_person_in(
        other_district, "principal", "Pia Moss", "pia@harbor.example", [other_school]
    )
    return make_pair(outsider, principal, other_school)


def harbor_reminders():
    return sorted(
        m.to[0]
        for m in mail.outbox
        if m.to[0].endswith("@harbor.example") and m.subject.startswith("Check-in with")
    )


# --- Refused where they are typed, and below -----------------------------------------------


def test_a_pair_starting_in_9999_is_a_form_error_that_keeps_the_date(
    superintendent, principal, school, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(superintendent).post(
            "/check-ins/pairs/new/",
            {
                "principal": principal.pk,
                "school": school.pk,
                "supervisor": superintendent.pk,
                "weekday": 2,
                "local_time": "15:30",
                "interval_weeks": 2,
                "starts_on": "9999-12-31",
            },
        )
    assert response.status_code == 200
    form = response.context["form"]
    assert "starts_on" in form.errors
    assert form["starts_on"].value() == "9999-12-31"
    assert not CheckInPair.objects.exists()


def test_the_pair_service_refuses_a_start_no_calendar_holds(
    district, superintendent, principal, school
):
    with pytest.raises(ValidationError) as refused:
        services.pair_create(
            district=district,
            supervisor=superintendent,
            principal=principal,
            school=school,
            weekday=1,
            local_time=datetime.time(9),
            starts_on=ABSURD,
        )
    assert "starts_on" in refused.value.message_dict
    assert not CheckInPair.objects.exists()


def test_breaks_and_action_items_out_of_range_are_refused_by_the_services(
    district, pair, principal, make_check_in
):
    with pytest.raises(ValidationError) as refused:
        services.school_break_create(
            district=district, name="Forever", starts_on=datetime.date(2026, 12, 21), ends_on=ABSURD
        )
    assert "ends_on" in refused.value.message_dict
    meeting = make_check_in(datetime.datetime(2026, 3, 10, 14, tzinfo=UTC))
    with pytest.raises(ValidationError) as refused:
        services.action_item_add(check_in=meeting, owner=principal, text="Call", due_on=ABSURD)
    assert "due_on" in refused.value.message_dict


def test_moving_a_meeting_to_9999_is_refused_by_the_service(pair, principal, make_check_in):
    meeting = make_check_in(datetime.datetime(2026, 3, 10, 14, tzinfo=UTC))
    with pytest.raises(ValidationError) as refused:
        services.check_in_reschedule(check_in=meeting, by=principal, on=ABSURD)
    assert "on" in refused.value.message_dict
    meeting.refresh_from_db()
    assert meeting.status == CheckIn.Status.SCHEDULED


# --- A bad row already saved ---------------------------------------------------------------


def test_a_pair_saved_with_an_absurd_start_stops_no_other_districts_meetings(
    pair, harbor_pair, caplog, django_capture_on_commit_callbacks
):
    CheckInPair.objects.filter(pk=pair.pk).update(starts_on=ABSURD)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        dispatch.delay()  # as beat runs it
    # The rest of the run went on: Harbor Point's meetings are planned and reminded.
    assert harbor_pair.check_ins.count() >= 4
    harbor_pair.refresh_from_db()
    assert harbor_pair.planned_through is not None
    assert not pair.check_ins.exists()
    assert f"Check-in pair {pair.pk} cannot be planned" in caplog.text


def test_the_dispatcher_reminds_every_other_district_past_a_bad_row(
    pair, harbor_pair, make_check_in, caplog, django_capture_on_commit_callbacks
):
    make_check_in(datetime.datetime(2026, 3, 17, 14, tzinfo=UTC))
    make_check_in(datetime.datetime(2026, 3, 17, 13, tzinfo=UTC), on_pair=harbor_pair)
    CheckInPair.objects.filter(pk=pair.pk).update(starts_on=ABSURD)
    # A district whose zone was broken past the checks: its meetings cannot be told in its time.
    District.objects.filter(pk=pair.district_id).update(timezone="Mars/Olympus_Mons")
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        result = reminders.dispatch(now=NOW)
    assert harbor_reminders() == ["olga@harbor.example", "pia@harbor.example"]
    assert result["reminded"] == 2
    assert not Notification.objects.filter(recipient=pair.principal).exists()
    assert "cannot be written; skipped" in caplog.text


def test_the_calendar_feed_leaves_out_a_pair_with_an_absurd_start(
    pair, superintendent, district, school, make_person_in, make_pair, caplog, client
):
    other_principal = make_person_in(district, "principal", "Cy Hart", "cy@cedar.example", [school])
    good = make_pair(
        superintendent,
        other_principal,
        school,
        weekday=3,
        local_time=datetime.time(10),
        starts_on=datetime.date(2026, 1, 8),
    )
    CheckInPair.objects.filter(pk=pair.pk).update(starts_on=ABSURD)
    _feed, token = CalendarFeed.issue(user=superintendent)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"/check-ins/calendar/{token}.ics")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"UID:pair-{good.pk}@" in text and f"UID:pair-{pair.pk}@" not in text
    assert f"Check-in pair {pair.pk} left out" in caplog.text


def test_a_series_of_zero_weeks_is_refused_not_an_endless_loop(pair, harbor_pair, caplog):
    CheckInPair.objects.filter(pk=pair.pk).update(interval_weeks=0)
    with caplog.at_level(logging.ERROR):
        services.occurrences_plan(today=NOW.date())
    assert harbor_pair.check_ins.exists() and not pair.check_ins.exists()


# --- E-mail refused for good ---------------------------------------------------------------


def test_a_reminder_refused_for_good_keeps_its_reason_and_is_not_picked_up_again(
    pair, make_check_in, settings
):
    from tests.notifications.failing_backend import RefusingBackend

    RefusingBackend.attempts = 0
    settings.MAILERS = {
        "default": {"BACKEND": "tests.notifications.failing_backend.RefusingBackend"}
    }
    make_check_in(datetime.datetime(2026, 3, 17, 14, tzinfo=UTC))
    reminders.reminders_send(now=NOW)
    assert due_emails_send() == 0
    assert RefusingBackend.attempts == 2
    notices = Notification.objects.filter(kind="principals.before_48h")
    assert len(notices) == 2
    assert all(n.email == Email.FAILED and "No such mailbox" in n.email_failure for n in notices)
    assert due_emails_send() == 0
    assert RefusingBackend.attempts == 2


def test_a_stored_reminder_subject_with_a_line_break_is_sent_on_one_line(pair, make_check_in):
    make_check_in(datetime.datetime(2026, 3, 17, 14, tzinfo=UTC))
    reminders.reminders_send(now=NOW)
    Notification.objects.update(subject="Check-in\nBcc: x@example.com")
    assert due_emails_send() == 2
    assert {m.subject for m in mail.outbox} == {"Check-in Bcc: x@example.com"}
