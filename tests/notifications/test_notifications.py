import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import outbox, services
from notifications.models import Email, EmailMode, Notification, NotificationSettings
from notifications.tasks import send_daily_digests

pytestmark = pytest.mark.django_db


def test_notify_puts_a_notice_in_the_inbox_and_emails_after_commit(
    teacher, principal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[teacher, principal],
            kind="test.hello",
            subject="Input is open",
            url="/decisions/1/",
        )
    assert Notification.objects.filter(recipient=teacher, subject="Input is open").exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["bob@cedar.example", "charlie@cedar.example"]
    assert "http://localhost:8000/decisions/1/" in mail.outbox[0].body


def test_nothing_is_emailed_when_the_transaction_rolls_back(
    teacher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(recipients=[teacher], kind="k", subject="s")
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_a_notice_is_emailed_once_even_if_the_task_runs_twice(teacher):
    [notice] = services.notify(recipients=[teacher], kind="k", subject="Once")
    assert outbox.notification_email_send(notice.pk) is True
    assert outbox.notification_email_send(notice.pk) is False
    assert len(mail.outbox) == 1


def test_a_refused_send_waits_and_the_sweep_sends_it_once_later(teacher, settings, time_machine):
    time_machine.move_to("2026-12-01 12:00Z", tick=False)
    [notice] = services.notify(recipients=[teacher], kind="k", subject="Retry me")
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.failing_backend.EmailBackend"}}
    assert outbox.due_emails_send() == 0
    notice.refresh_from_db()
    assert notice.email == Email.DUE
    assert "connection lost" in notice.email_failure
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert outbox.due_emails_send() == 0  # not before its retry time
    time_machine.move_to("2026-12-01 12:03Z", tick=False)
    assert outbox.due_emails_send() == 1
    assert outbox.due_emails_send() == 0
    notice.refresh_from_db()
    assert (notice.email, notice.email_failure) == (Email.SENT, "")
    assert len(mail.outbox) == 1


def test_a_second_notice_with_the_same_key_is_not_written(teacher):
    assert len(services.notify(recipients=[teacher], kind="k", subject="s", key="decision:1")) == 1
    assert services.notify(recipients=[teacher], kind="k", subject="s", key="decision:1") == []
    assert len(services.notify(recipients=[teacher], kind="k", subject="s", key="decision:2")) == 1
    assert Notification.objects.count() == 2
    assert outbox.due_emails_send() == 2


def test_people_without_email_get_the_inbox_only(student, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[student], kind="k", subject="Hello")
    assert Notification.objects.filter(recipient=student).count() == 1
    assert mail.outbox == []


def test_daily_digest_gathers_notices_into_one_email(teacher, django_capture_on_commit_callbacks):
    NotificationSettings.objects.create(user=teacher, email_mode=EmailMode.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[teacher], kind="k", subject="First")
        services.notify(recipients=[teacher], kind="k", subject="Second")
    assert mail.outbox == []
    assert outbox.daily_digest_send(teacher.pk) == 2
    assert len(mail.outbox) == 1
    assert "First" in mail.outbox[0].body and "Second" in mail.outbox[0].body
    assert outbox.daily_digest_send(teacher.pk) == 0


def test_daily_digest_task_finds_who_is_waiting(teacher, principal, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 2, 12, tzinfo=datetime.UTC))  # 6:00 Chicago
    NotificationSettings.objects.create(user=teacher, email_mode=EmailMode.DAILY)
    services.notify(recipients=[teacher, principal], kind="k", subject="s")
    mail.outbox.clear()  # the principal's single e-mail
    assert send_daily_digests() == 1
    assert [m.to for m in mail.outbox] == [["charlie@cedar.example"]]


def test_email_off_sends_nothing(teacher, django_capture_on_commit_callbacks):
    NotificationSettings.objects.create(user=teacher, email_mode=EmailMode.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[teacher], kind="k", subject="s")
    assert mail.outbox == []


def test_inbox_lists_only_my_notices(client_for, teacher, principal):
    services.notify(recipients=[teacher], kind="k", subject="For Charlie")
    services.notify(recipients=[principal], kind="k", subject="For Bob")
    body = client_for(teacher).get(reverse("notifications:inbox")).content.decode()
    assert "For Charlie" in body
    assert "For Bob" not in body


def test_opening_a_notice_marks_it_read_and_follows_its_link(client_for, teacher):
    [notice] = services.notify(recipients=[teacher], kind="k", subject="s", url="/schools/")
    response = client_for(teacher).get(reverse("notifications:open", args=[notice.pk]))
    assert response["Location"] == "/schools/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_nobody_opens_someone_elses_notice(client_for, teacher, principal, outsider):
    [notice] = services.notify(recipients=[teacher], kind="k", subject="s")
    assert (
        client_for(principal).get(reverse("notifications:open", args=[notice.pk])).status_code
        == 404
    )
    assert (
        client_for(outsider).get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    )
    notice.refresh_from_db()
    assert notice.read_at is None


def test_unread_count_shows_in_the_navigation(client_for, teacher):
    services.notify(recipients=[teacher], kind="k", subject="a")
    services.notify(recipients=[teacher], kind="k", subject="b")
    body = client_for(teacher).get(reverse("home")).content.decode()
    assert 'aria-label="2 unread"' in body


def test_mark_all_read(client_for, teacher):
    services.notify(recipients=[teacher], kind="k", subject="a")
    client_for(teacher).post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=teacher, read_at__isnull=True).exists()


def test_choose_a_daily_digest(client_for, teacher):
    client_for(teacher).post(reverse("notifications:inbox"), {"email_mode": "daily"})
    assert NotificationSettings.objects.get(user=teacher).email_mode == EmailMode.DAILY


@pytest.mark.parametrize("rows", [5, 50])
def test_inbox_query_count_does_not_grow(rows, client_for, teacher, django_assert_max_num_queries):
    for i in range(rows):
        services.notify(recipients=[teacher], kind="k", subject=f"n{i}")
    client = client_for(teacher)
    with django_assert_max_num_queries(10):
        client.get(reverse("notifications:inbox"))


def test_a_real_worker_delivers_the_email(real_worker, teacher, mailoutbox):
    import time

    [notice] = services.notify(recipients=[teacher], kind="k", subject="Through the broker")
    deadline = time.monotonic() + 20
    # The worker marks the notice sent just after the message is out: wait for both.
    while time.monotonic() < deadline and not (
        mail.outbox and Notification.objects.filter(pk=notice.pk, email=Email.SENT).exists()
    ):
        time.sleep(0.1)
    assert [m.subject for m in mail.outbox] == ["Through the broker"]
    assert Notification.objects.get(recipient=teacher).email == Email.SENT


# --- E-mail that cannot be sent ------------------------------------------------------------

FAILING = {"default": {"BACKEND": "tests.notifications.failing_backend.EmailBackend"}}
REFUSING = {"default": {"BACKEND": "tests.notifications.failing_backend.RefusingBackend"}}


def test_a_subject_with_a_line_break_is_sent_on_one_line(teacher):
    [notice] = services.notify(recipients=[teacher], kind="k", subject="Lunch\nschedule\r\nvote")
    assert outbox.notification_email_send(notice.pk) is True
    assert mail.outbox[0].subject == "Lunch schedule vote"
    notice.refresh_from_db()
    assert notice.subject == "Lunch schedule vote"


def test_a_stored_subject_with_a_line_break_is_still_sent(teacher):
    [notice] = services.notify(recipients=[teacher], kind="k", subject="Lunch")
    Notification.objects.filter(pk=notice.pk).update(subject="Lunch\nBcc: x@example.com")
    assert outbox.notification_email_send(notice.pk) is True
    assert mail.outbox[0].subject == "Lunch Bcc: x@example.com"
    assert mail.outbox[0].bcc == []


def test_an_email_refused_for_good_is_kept_on_the_notice_with_its_reason(
    teacher, settings, django_capture_on_commit_callbacks
):
    from tests.notifications.failing_backend import RefusingBackend

    RefusingBackend.attempts = 0
    settings.MAILERS = REFUSING
    with django_capture_on_commit_callbacks(execute=True):
        [notice] = services.notify(recipients=[teacher], kind="k", subject="Never arrives")
    notice.refresh_from_db()
    assert notice.email == Email.FAILED
    assert "550" in notice.email_failure and "No such mailbox" in notice.email_failure
    assert RefusingBackend.attempts == 1
    # Nothing sends it again: not a second task, not the digest.
    assert outbox.notification_email_send(notice.pk) is False
    NotificationSettings.objects.create(user=teacher, email_mode=EmailMode.DAILY)
    assert send_daily_digests() == 0
    assert RefusingBackend.attempts == 1


def test_an_email_that_keeps_failing_is_kept_as_failed_after_the_last_retry(
    teacher, settings, time_machine
):
    time_machine.move_to("2026-12-01 12:00Z", tick=False)
    settings.MAILERS = FAILING
    [notice] = services.notify(recipients=[teacher], kind="k", subject="Server down")
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.due_emails_send()
        time_machine.shift(datetime.timedelta(hours=7))
    notice.refresh_from_db()
    assert notice.email == Email.FAILED
    assert notice.email_failure.startswith(f"Gave up after {outbox.MAX_ATTEMPTS} attempts")
    assert "connection lost" in notice.email_failure


def test_a_digest_refused_for_good_keeps_the_reason_on_each_notice(teacher, settings):
    NotificationSettings.objects.create(user=teacher, email_mode=EmailMode.DAILY)
    services.notify(recipients=[teacher], kind="k", subject="First")
    services.notify(recipients=[teacher], kind="k", subject="Second")
    settings.MAILERS = REFUSING
    assert outbox.daily_digest_send(teacher.pk) == 0
    notices = Notification.objects.filter(recipient=teacher)
    assert all(n.email == Email.FAILED and "550" in n.email_failure for n in notices)
    assert outbox.daily_digest_send(teacher.pk) == 0


def test_a_digest_that_could_not_go_out_waits_for_the_next_one(teacher, settings, time_machine):
    time_machine.move_to("2026-12-01 12:00Z", tick=False)
    NotificationSettings.objects.create(user=teacher, email_mode=EmailMode.DAILY)
    services.notify(recipients=[teacher], kind="k", subject="First")
    settings.MAILERS = FAILING
    assert outbox.daily_digest_send(teacher.pk) == 0
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    time_machine.move_to("2026-12-02 12:00Z", tick=False)
    assert outbox.daily_digest_send(teacher.pk) == 1
    assert Notification.objects.get(recipient=teacher).email == Email.SENT


def message_ids() -> list[str]:
    return [m.message()["Message-ID"] for m in mail.outbox]


def left_by_a_killed_worker(notices, time_machine, state=Email.DUE) -> None:
    """Sent, but the worker died before marking it: its lease runs out and it is due again."""
    Notification.objects.filter(pk__in=[n.pk for n in notices]).update(
        email=state, email_after=timezone.now() + outbox.LEASE
    )
    time_machine.shift(outbox.LEASE + datetime.timedelta(seconds=1))


def test_an_email_resent_after_a_killed_worker_is_the_same_message(
    teacher, principal, settings, time_machine
):
    time_machine.move_to("2026-12-01 12:00Z", tick=False)
    settings.SITE_URL = "https://roundtable.cedar.example"
    notice, other = services.notify(recipients=[teacher, principal], kind="k", subject="Twice")
    assert outbox.notification_email_send(notice.pk) is True
    left_by_a_killed_worker([notice], time_machine)
    assert outbox.notification_email_send(notice.pk) is True
    assert outbox.notification_email_send(other.pk) is True
    first, resent, another = message_ids()
    assert first == resent
    assert another != first
    assert first.startswith("<notice-") and first.endswith("@roundtable.cedar.example>")


def test_a_digest_resent_after_a_killed_worker_is_the_same_message(
    teacher, principal, time_machine
):
    time_machine.move_to("2026-12-01 12:00Z", tick=False)
    for person in (teacher, principal):
        NotificationSettings.objects.create(user=person, email_mode=EmailMode.DAILY)
    services.notify(recipients=[teacher, principal], kind="k", subject="First")
    services.notify(recipients=[teacher, principal], kind="k", subject="Second")
    assert outbox.daily_digest_send(teacher.pk) == 2
    mine = Notification.objects.filter(recipient=teacher)
    left_by_a_killed_worker(mine, time_machine, state=Email.DIGEST)
    assert outbox.daily_digest_send(teacher.pk) == 2
    assert outbox.daily_digest_send(principal.pk) == 2
    first, resent, another = message_ids()
    assert first == resent
    assert another != first


# --- Times people read ---------------------------------------------------------------------

# 22:00 UTC on 15 December is 16:00 in Chicago (CST) and 17:00 in New York (EST).
EVENING = datetime.datetime(2026, 12, 15, 22, 0, tzinfo=datetime.UTC)


def test_an_email_tells_the_time_in_the_districts_zone(teacher, outsider, time_machine):
    time_machine.move_to(EVENING)
    notices = services.notify(recipients=[teacher, outsider], kind="k", subject="Hello")
    for notice in notices:
        outbox.notification_email_send(notice.pk)
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Dec 15, 2026 16:00 CST" in bodies["charlie@cedar.example"]
    assert "Dec 15, 2026 17:00 EST" in bodies["olga@harbor.example"]


def test_a_digest_tells_the_time_in_the_districts_zone(teacher, time_machine):
    time_machine.move_to(EVENING)
    NotificationSettings.objects.create(user=teacher, email_mode=EmailMode.DAILY)
    services.notify(recipients=[teacher], kind="k", subject="First")
    outbox.daily_digest_send(teacher.pk)
    assert "First (Dec 15, 2026 16:00 CST)" in mail.outbox[0].body


def test_the_inbox_tells_the_time_in_the_districts_zone(client_for, teacher, time_machine):
    time_machine.move_to(EVENING)
    services.notify(recipients=[teacher], kind="k", subject="Hello")
    body = client_for(teacher).get(reverse("notifications:inbox")).content.decode()
    assert "Dec 15, 2026 16:00 CST" in body


def test_time_label_names_the_zone():
    assert services.time_label(EVENING, "America/Los_Angeles") == "Dec 15, 2026 14:00 PST"


def test_a_notice_whose_email_cannot_be_written_is_kept_as_failed_and_the_rest_go(
    teacher, outsider, django_capture_on_commit_callbacks, caplog
):
    from districts.models import District

    # A district whose zone was broken past the checks: its notices cannot tell their time.
    District.objects.filter(pk=teacher.district_id).update(timezone="Mars/Olympus_Mons")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[teacher, outsider], kind="k", subject="Hello")
    assert [m.to for m in mail.outbox] == [["olga@harbor.example"]]
    failed = Notification.objects.get(recipient=teacher)
    assert failed.email == Email.FAILED and "Mars/Olympus_Mons" in failed.email_failure
    assert "failed for good" in caplog.text
