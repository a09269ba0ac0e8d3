"""Notices: window opened, closing soon, decided, reflection due, each sent once; windows close on time."""

import datetime
import time

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from decisions import notices, services, tasks
from decisions.models import Status
from notifications.models import Notification

from .conftest import decided

pytestmark = pytest.mark.django_db


def kinds_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_opening_input_tells_the_consulted_and_affected(
    open_decision, teacher, principal, django_capture_on_commit_callbacks
):
    # The fixture opened it inside the test transaction: run the after-commit notice now.
    with django_capture_on_commit_callbacks(execute=True):
        notices.window_opened_send(open_decision)
    assert "decisions.window_opened" in kinds_for(teacher)
    assert "decisions.window_opened" in kinds_for(principal)
    assert kinds_for(teacher).count("decisions.window_opened") == 1


def test_the_opening_notice_gives_the_closing_time_on_the_districts_clock_with_the_year(
    open_decision, teacher
):
    from zoneinfo import ZoneInfo

    notices.window_opened_send(open_decision)
    body = Notification.objects.get(recipient=teacher, kind="decisions.window_opened").body
    closes = open_decision.input_closes.astimezone(ZoneInfo("America/Chicago"))
    assert f"{closes:%b} {closes.day}, {closes.year} {closes:%H:%M} C" in body


def test_window_opened_notice_goes_out_once_even_when_beat_fires_twice(open_decision, teacher):
    notices.dispatch_due()
    notices.dispatch_due()
    assert kinds_for(teacher).count("decisions.window_opened") == 1
    assert (
        Notification.objects.filter(recipient=teacher, kind="decisions.window_opened").count() == 1
    )


def test_a_window_that_opens_later_is_announced_when_it_opens(
    make_decision, superintendent, teacher, school
):
    now = timezone.now()
    decision = make_decision(
        stakeholders=[{"kind": "school", "school": school, "involvement": "affected"}],
        input_opens=now + datetime.timedelta(days=1),
        input_closes=now + datetime.timedelta(days=6),
    )
    services.decision_open_input(decision=decision, by=superintendent)
    notices.dispatch_due()
    assert "decisions.window_opened" not in kinds_for(teacher)
    with time_machine.travel(now + datetime.timedelta(days=1, minutes=5)):
        notices.dispatch_due()
    assert "decisions.window_opened" in kinds_for(teacher)


def test_closing_soon_goes_to_those_without_input_once(open_decision, teacher, principal):
    with time_machine.travel(open_decision.input_closes - datetime.timedelta(hours=47)):
        services.input_give(decision=open_decision, by=principal, kind="support", text="yes")
        notices.dispatch_due()
        notices.dispatch_due()
    assert kinds_for(teacher).count("decisions.closing_soon") == 1
    assert "decisions.closing_soon" not in kinds_for(principal)


def test_no_closing_reminder_three_days_before(open_decision, teacher):
    with time_machine.travel(open_decision.input_closes - datetime.timedelta(hours=72)):
        notices.dispatch_due()
    assert "decisions.closing_soon" not in kinds_for(teacher)


def test_windows_close_on_time_without_anyone_opening_the_page(open_decision):
    with time_machine.travel(open_decision.input_closes - datetime.timedelta(minutes=1)):
        tasks.dispatch_due.delay()
    open_decision.refresh_from_db()
    assert open_decision.status == Status.OPEN_FOR_INPUT
    with time_machine.travel(open_decision.input_closes + datetime.timedelta(minutes=1)):
        tasks.dispatch_due.delay()
        tasks.dispatch_due.delay()
    open_decision.refresh_from_db()
    assert open_decision.status == Status.DECIDING
    event = open_decision.events.filter(kind="status").last()
    assert event.actor is None and "on time" in event.note


def test_decision_made_tells_everyone_involved_and_emails_once(
    open_decision, superintendent, teacher, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided(open_decision, superintendent)
        services.decision_inform(decision=open_decision, by=superintendent)
    assert kinds_for(teacher).count("decisions.decided") == 1
    assert sum(1 for m in mail.outbox if teacher.email in m.to and "Decided" in m.subject) == 1


def test_reflection_due_goes_to_the_deciders_and_the_affected_once(
    open_decision, superintendent, principal, teacher, community_member
):
    decided(open_decision, superintendent)
    services.decision_update(
        decision=open_decision,
        by=superintendent,
        review_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    notices.dispatch_due()
    assert "decisions.reflection_due" not in kinds_for(superintendent)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=11)):
        notices.dispatch_due()
        notices.dispatch_due()
    assert kinds_for(superintendent).count("decisions.reflection_due") == 1
    assert kinds_for(principal).count("decisions.reflection_due") == 1
    # Everyone at Alder Creek is affected: the teacher is asked to reflect too.
    assert kinds_for(teacher).count("decisions.reflection_due") == 1
    assert "decisions.reflection_due" not in kinds_for(community_member)
    open_decision.refresh_from_db()
    assert "review_overdue" in open_decision.flag_codes


def test_daily_digest_people_get_no_single_email(
    open_decision, superintendent, teacher, django_capture_on_commit_callbacks
):
    from notifications.models import NotificationSettings

    NotificationSettings.objects.create(user=teacher, email_mode="daily")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided(open_decision, superintendent)
    assert "decisions.decided" in kinds_for(teacher)
    assert not any(teacher.email in m.to for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_closes_the_window(real_worker, open_decision):
    with time_machine.travel(open_decision.input_closes + datetime.timedelta(minutes=1), tick=True):
        tasks.dispatch_due.delay()
        for _ in range(100):
            open_decision.refresh_from_db()
            if open_decision.status == Status.DECIDING:
                break
            time.sleep(0.1)
    assert open_decision.status == Status.DECIDING
