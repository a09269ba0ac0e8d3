"""Celery is wired: beat's schedule names real tasks, and a real worker runs them over the broker."""

import datetime
import time

from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import app
from districts.tasks import clear_expired_sessions


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, name


def test_a_real_worker_clears_expired_sessions_sent_through_the_broker(real_worker):
    now = timezone.now()
    Session.objects.create(
        session_key="old", session_data="", expire_date=now - datetime.timedelta(days=1)
    )
    Session.objects.create(
        session_key="new", session_data="", expire_date=now + datetime.timedelta(days=1)
    )
    clear_expired_sessions.delay()
    deadline = time.monotonic() + 20
    while Session.objects.filter(session_key="old").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]
