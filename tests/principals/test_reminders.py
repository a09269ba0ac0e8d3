import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import connection

from notifications.models import Email, EmailMode, Notification, NotificationSettings
from notifications.tasks import send_due_emails
from principals import reminders
from principals.models import AgendaItem, CheckIn, CheckInPair, PrivateNote
from principals.tasks import dispatch

UTC = datetime.UTC
MEETING = datetime.datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # 9:00 in Chicago
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def meeting(make_check_in):
    return make_check_in(MEETING)


def test_both_people_get_the_48_hour_reminder_with_a_link_to_the_meeting(
    meeting, principal, superintendent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_send(now=MEETING - datetime.timedelta(hours=30))
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@cedar.example", "bob@cedar.example"]
    assert all(f"http://localhost:8000/check-ins/{meeting.pk}/" in m.body for m in mail.outbox)
    assert "Mar 10, 2026 09:00 CDT" in mail.outbox[0].body
    notices = Notification.objects.filter(kind="principals.before_48h")
    assert {n.recipient_id for n in notices} == {principal.pk, superintendent.pk}
    assert all(n.email == Email.SENT for n in notices)
    assert all(n.url == f"/check-ins/{meeting.pk}/" for n in notices)


def test_no_reminder_or_notice_quotes_the_agenda_or_notes(
    meeting, principal, superintendent, django_capture_on_commit_callbacks
):
    """The admin shows every notice: what was said in a meeting stays on the meeting's page."""
    AgendaItem.objects.create(
        district=meeting.district,
        pair=meeting.pair,
        check_in=meeting,
        added_by=principal,
        kind="critical_conversation",
        text="Ms. Ortiz may be let go",
    )
    CheckIn.objects.filter(pk=meeting.pk).update(
        shared_notes="Shared: budget cut", reflection="Reflection: listen more"
    )
    PrivateNote.objects.create(check_in=meeting, author=principal, text="Private: leaving in June")
    with django_capture_on_commit_callbacks(execute=True):
        for hours in (-30, -1, 3):  # 48 hours before, 2 hours before, the notes nudge after
            reminders.reminders_send(now=MEETING + datetime.timedelta(hours=hours))
    # Two before, two two hours before, one nudge (the principal already wrote a note).
    assert Notification.objects.filter(kind__startswith="principals.").count() == 5
    written = [
        *(f"{n.subject} {n.body}" for n in Notification.objects.all()),
        *(f"{m.subject} {m.body}" for m in mail.outbox),
    ]
    assert len(mail.outbox) == 5
    for secret in ("Ortiz", "budget cut", "listen more", "leaving in June"):
        assert not [text for text in written if secret in text], secret


def test_a_second_run_sends_nothing(meeting, django_capture_on_commit_callbacks):
    now = MEETING - datetime.timedelta(hours=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(reminders.reminders_send(now=now)) == 2
        assert reminders.reminders_send(now=now) == []
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 2


def test_two_hours_before_only_the_short_reminder_goes_out(
    meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_send(now=MEETING - datetime.timedelta(minutes=90))
    assert set(Notification.objects.values_list("kind", flat=True)) == {"principals.before_2h"}
    assert all("in two hours" in m.subject for m in mail.outbox)


@pytest.mark.parametrize(
    ("meeting_at", "early", "on_time"),
    [
        # Monday 9 March 2026, 09:00 CDT: two days before is Saturday 09:00 CST, 49 hours.
        ("2026-03-09 14:00Z", "2026-03-07 14:30Z", "2026-03-07 15:00Z"),
        # Monday 2 November 2026, 09:00 CST: two days before is Saturday 09:00 CDT, 47 hours.
        ("2026-11-02 15:00Z", "2026-10-31 13:30Z", "2026-10-31 14:00Z"),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_the_two_day_reminder_keeps_the_meetings_clock_time_across_a_clock_change(
    make_check_in, meeting_at, early, on_time
):
    def at(text):
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))

    meeting = make_check_in(at(meeting_at))
    assert reminders.reminders_send(now=at(early)) == []
    sent = reminders.reminders_send(now=at(on_time))
    assert {n.kind for n in sent} == {"principals.before_48h"}
    assert all(n.key == f"check_in:{meeting.pk}" for n in sent)


def test_reminders_skip_moved_and_far_away_meetings(make_check_in):
    make_check_in(MEETING, status=CheckIn.Status.RESCHEDULED)
    make_check_in(MEETING + datetime.timedelta(days=14))
    assert reminders.reminders_send(now=MEETING - datetime.timedelta(hours=30)) == []


def test_after_the_meeting_only_who_has_not_written_notes_is_nudged(
    meeting, principal, superintendent, django_capture_on_commit_callbacks
):
    PrivateNote.objects.create(check_in=meeting, author=superintendent, text="Went well.")
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_send(now=MEETING + datetime.timedelta(hours=3))
    assert [m.to for m in mail.outbox] == [["bob@cedar.example"]]
    assert Notification.objects.get().kind == "principals.notes_nudge"


def test_a_daily_digest_reader_gets_the_inbox_notice_and_no_single_email(
    meeting, principal, django_capture_on_commit_callbacks
):
    NotificationSettings.objects.create(user=principal, email_mode=EmailMode.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_send(now=MEETING - datetime.timedelta(hours=30))
    assert [m.to for m in mail.outbox] == [["alice@cedar.example"]]
    assert Notification.objects.get(recipient=principal).email == Email.DIGEST


def test_a_pair_past_its_cadence_is_flagged_once_and_the_supervisor_told(pair, make_check_in):
    make_check_in(datetime.datetime(2026, 1, 6, 15, tzinfo=UTC), status=CheckIn.Status.HELD)
    now = datetime.datetime(2026, 1, 6, 15, tzinfo=UTC) + datetime.timedelta(days=18)
    assert reminders.overdue_pairs_flag(now=now) == [pair.pk]
    assert reminders.overdue_pairs_flag(now=now) == []
    assert Notification.objects.filter(kind="principals.overdue").count() == 1
    pair.refresh_from_db()
    assert pair.overdue_since == now


def test_a_pair_within_its_cadence_is_not_flagged(pair, make_check_in):
    make_check_in(datetime.datetime(2026, 1, 6, 15, tzinfo=UTC), status=CheckIn.Status.HELD)
    now = datetime.datetime(2026, 1, 6, 15, tzinfo=UTC) + datetime.timedelta(days=16)
    assert reminders.overdue_pairs_flag(now=now) == []


@pytest.mark.parametrize("count", [5, 50])
def test_dispatch_queries_stay_flat_as_pairs_grow(
    count, pair, make_person_in, make_pair, district, school, django_assert_max_num_queries
):
    supervisor = pair.supervisor
    for i in range(count):
        person = make_person_in(district, "principal", f"P {i}", f"p{i}@cedar.example", [school])
        other = make_pair(supervisor, person, school, active=True)
        assert other
    now = datetime.datetime(2026, 3, 16, 12, tzinfo=UTC)
    with django_assert_max_num_queries(30):
        result = reminders.dispatch(now=now)
    assert result["reminded"] == 2 * (count + 1)


# --- A real worker on Redis --------------------------------------------------------------


def reminder_emails():
    return [m for m in mail.outbox if m.subject.startswith("Check-in with")]


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


@pytest.fixture
def locmem(settings):
    settings.MAILERS = LOCMEM
    mail.outbox = []
    return mail


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_reminder_once(real_worker, meeting, locmem, time_machine):
    time_machine.move_to(MEETING - datetime.timedelta(hours=30), tick=True)
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(reminders.reminders_send(now=MEETING - datetime.timedelta(hours=30)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(r) for r in results) == [0, 2]
    assert wait_for(lambda: len(mail.outbox) >= 2)
    time.sleep(1)
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@cedar.example", "bob@cedar.example"]
    assert Notification.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_beat_firing_twice_sends_each_reminder_once(real_worker, meeting, locmem, time_machine):
    time_machine.move_to(MEETING - datetime.timedelta(hours=30), tick=True)
    dispatch.apply_async()
    dispatch.apply_async()
    reminders = Notification.objects.filter(kind="principals.before_48h")
    assert wait_for(lambda: reminders.filter(email=Email.SENT).count() == 2)
    time.sleep(1.5)
    assert len(reminder_emails()) == 2
    assert reminders.count() == 2


@pytest.mark.django_db(transaction=True)
def test_after_an_smtp_failure_the_sweep_sends_exactly_one_email(
    real_worker, meeting, settings, time_machine
):
    from tests.principals import flaky_backend

    CheckInPair.objects.filter(pk=meeting.pair_id).update(starts_on=datetime.date(2026, 3, 3))
    flaky_backend.EmailBackend.failures_left = 1
    flaky_backend.EmailBackend.refused = []
    settings.MAILERS = {"default": {"BACKEND": "tests.principals.flaky_backend.EmailBackend"}}
    mail.outbox = []
    time_machine.move_to(MEETING - datetime.timedelta(hours=30), tick=True)
    dispatch.apply_async()
    assert wait_for(
        lambda: len(flaky_backend.EmailBackend.refused) == 1 and len(reminder_emails()) == 1
    )
    assert flaky_backend.EmailBackend.refused[0].startswith("Check-in with")
    # Beat's sweep, once the refused one's wait is over.
    time_machine.move_to(MEETING - datetime.timedelta(hours=29, minutes=55), tick=True)
    send_due_emails.apply_async()
    assert wait_for(lambda: len(reminder_emails()) >= 2)
    send_due_emails.apply_async()
    time.sleep(1.5)
    assert sorted(m.to[0] for m in reminder_emails()) == [
        "alice@cedar.example",
        "bob@cedar.example",
    ]


def test_the_migration_takes_the_agenda_out_of_notices_already_written(meeting, principal):
    import importlib

    from django.apps import apps

    old = (
        "Your check-in with Alice Okafor (Alder Creek Elementary) is on Tuesday 10 March at 09:00"
        " (America/Chicago).\n\nAgenda so far:\n- Critical conversation: Ms. Ortiz may be let go"
    )
    Notification.objects.create(
        district=meeting.district, recipient=principal, kind="principals.before_48h", body=old
    )
    Notification.objects.create(
        district=meeting.district, recipient=principal, kind="decisions.other", body=old
    )
    migration = importlib.import_module("principals.migrations.0002_reminders_without_agenda")
    migration.drop_agenda_from_reminders(apps, None)
    first_line = old.split("\n")[0] + migration.INSTEAD
    assert Notification.objects.get(kind="principals.before_48h").body == first_line
    assert "Ortiz" in Notification.objects.get(kind="decisions.other").body
