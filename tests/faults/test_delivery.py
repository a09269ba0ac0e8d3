"""Delivery with a broker that goes away, freezes, and a worker that is killed mid-send."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from decisions.models import Involvement, Stakeholder
from districts.models import User
from notifications.models import Email, Notification
from notifications.tasks import send_due_emails
from tests.decisions.conftest import make_decision, window  # noqa: F401

from .conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def draft(make_decision, school, teacher, principal, window):  # noqa: F811
    return make_decision(
        stakeholders=[
            {
                "kind": Stakeholder.Kind.SCHOOL,
                "school": school,
                "involvement": Involvement.CONSULTED,
            }
        ],
        input_opens=window[0],
        input_closes=window[1],
    )


def open_for_input(client, draft):
    started = time.monotonic()
    form = {
        name: timezone.localtime(getattr(draft, name)).strftime("%Y-%m-%dT%H:%M")
        for name in ("input_opens", "input_closes")
    }
    response = client.post(reverse("decisions:open", args=[draft.pk]), form)
    return response, time.monotonic() - started


def test_a_post_while_the_broker_is_down_answers_and_its_emails_arrive_once_after(
    own_redis, publishing, client_for, superintendent, draft, settings
):
    settings.MAILERS = LOCMEM
    mail.outbox = []
    own_redis.stop()

    response, seconds = open_for_input(client_for(superintendent), draft)

    assert response.status_code == 302
    assert seconds < 2
    due = Notification.objects.filter(kind="decisions.window_opened", email=Email.DUE)
    expected = sorted(due.values_list("recipient__email", flat=True))
    assert len(expected) >= 2
    assert mail.outbox == []

    own_redis.start()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        send_due_emails.delay()  # beat's sweep
        assert wait_for(lambda: len(mail.outbox) >= len(expected))
        send_due_emails.delay()
        time.sleep(1)
    assert sorted(m.to[0] for m in mail.outbox) == expected


def test_a_frozen_broker_holds_a_post_for_a_few_seconds_at_most(
    own_redis, publishing, client_for, superintendent, draft
):
    own_redis.freeze()
    response, seconds = open_for_input(client_for(superintendent), draft)
    assert response.status_code == 302
    assert seconds < 5
    assert Notification.objects.filter(kind="decisions.window_opened", email=Email.DUE).exists()


def worker_process(broker_url: str, smtp_port: int) -> subprocess.Popen:
    database = connection.settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        database_url = f"sqlite:///{Path(database['NAME']).resolve()}"
    else:
        database_url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SECRET_KEY": django_settings.SECRET_KEY,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_during_a_large_send_loses_nothing(
    own_redis, publishing, smtp_sink, district, make_person_in
):
    people = [
        User(district=district, name=f"Person {i}", email=f"p{i}@cedar.example", role="teacher")
        for i in range(1500)
    ]
    User.objects.bulk_create(people)
    people = list(User.objects.filter(email__startswith="p", district=district))
    Notification.objects.bulk_create(
        Notification(
            district=district,
            recipient=person,
            kind="k",
            subject=f"For {person.email}",
            email=Email.DUE,
            created_at=timezone.now(),
        )
        for person in people
    )

    worker = worker_process(own_redis.url, smtp_sink.port)
    try:
        send_due_emails.delay()
        assert wait_for(lambda: len(smtp_sink.received) >= 300, seconds=60)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    killed_at = len(smtp_sink.received)
    assert killed_at < len(people), "the send finished before the kill: make it larger"

    worker = worker_process(own_redis.url, smtp_sink.port)
    try:
        send_due_emails.delay()  # beat's sweep after the restart
        # At most one message was claimed when the worker died: its lease runs out later.
        assert wait_for(lambda: Notification.objects.filter(email=Email.DUE).count() <= 1, 120)
        Notification.objects.filter(email=Email.DUE).update(email_after=timezone.now())
        send_due_emails.delay()
        assert wait_for(lambda: not Notification.objects.filter(email=Email.DUE).exists(), 30)
    finally:
        worker.terminate()
        worker.wait(10)

    time.sleep(0.5)
    counts = Counter(recipient for recipient, _subject in smtp_sink.received)
    assert set(counts) == {person.email for person in people}
    duplicates = sum(counts.values()) - len(people)
    print(f"killed after {killed_at} of {len(people)} e-mails; {duplicates} sent twice")
    assert duplicates <= 1


def test_the_password_reset_page_answers_alike_while_the_broker_is_down(
    own_redis, publishing, client, teacher
):
    own_redis.stop()
    answers = []
    for email in (teacher.email, "nobody@cedar.example"):
        started = time.monotonic()
        response = client.post(reverse("password_reset"), {"email": email})
        assert time.monotonic() - started < 2
        answers.append((response.status_code, response["Location"]))
    assert answers[0] == answers[1] == (302, reverse("password_reset_done"))
