"""/healthz tells the load balancer about the web; /healthz/background tells a monitor the rest."""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Email, Notification

pytestmark = pytest.mark.django_db


def test_both_checks_pass_when_database_and_broker_answer(client, own_redis):
    web = client.get(reverse("healthz"))
    assert web.status_code == 200
    assert web.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "in-process"}
    background = client.get(reverse("healthz_background"))
    assert background.status_code == 200
    assert background.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "cache": "in-process",
        "oldest_due_email_seconds": 0,
    }


def test_email_waiting_too_long_fails_the_background_check(client, own_redis, teacher):
    Notification.objects.create(
        district=teacher.district,
        recipient=teacher,
        kind="k",
        subject="Stuck",
        email=Email.DUE,
        created_at=timezone.now() - datetime.timedelta(minutes=20),
    )
    response = client.get(reverse("healthz_background"))
    assert response.status_code == 503
    assert response.json()["oldest_due_email_seconds"] >= 20 * 60
    assert client.get(reverse("healthz")).status_code == 200


def test_a_stopped_broker_fails_only_the_background_check(client, own_redis):
    own_redis.stop()
    web = client.get(reverse("healthz"))
    assert web.status_code == 200
    assert web.json()["broker"] == "unreachable"
    background = client.get(reverse("healthz_background"))
    assert background.status_code == 503
    assert background.json()["status"] == "failing"


def test_a_frozen_broker_does_not_hold_the_health_check(client, own_redis):
    own_redis.freeze()
    started = time.monotonic()
    response = client.get(reverse("healthz_background"))
    assert time.monotonic() - started < 4
    assert response.status_code == 503
