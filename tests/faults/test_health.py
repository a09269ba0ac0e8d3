"""/healthz tells the load balancer about the web; /healthz/background tells a monitor the rest."""

import time

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_both_checks_pass_when_database_and_broker_answer(client, own_redis):
    for name in ("healthz", "healthz_background"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


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
