"""A cache shared by the web processes (CACHE_URL=redis://...): the API's rate limit is counted
once for all of them, and a stopped or frozen Redis never takes a page down."""

import time

import pytest
import redis
from django.urls import reverse

from api.models import ApiToken
from config.settings import cache_from_url

pytestmark = pytest.mark.django_db

PAGES = ("insights:themes", "insights:participation", "insights:health")


@pytest.fixture
def shared_cache(own_redis, settings):
    settings.CACHES = {"default": cache_from_url(own_redis.url)}
    return own_redis


def another_web_process(settings, url):
    """A cache object of its own on the same Redis, as a second gunicorn worker has."""
    settings.CACHES = {"default": cache_from_url(url)}


def api_get(client, secret):
    return client.get("/api/v1/schools", HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_rate_limit_is_counted_once_for_every_web_process(
    shared_cache, settings, client, teacher
):
    settings.API_RATE_LIMIT = "3/min"
    secret = ApiToken.issue(user=teacher, name="Reports")[1]
    for _ in range(2):
        assert api_get(client, secret).status_code == 200
    another_web_process(settings, shared_cache.url)
    assert api_get(client, secret).status_code == 200
    another_web_process(settings, shared_cache.url)
    assert api_get(client, secret).status_code == 429
    assert redis.Redis.from_url(shared_cache.url).keys("roundtable:*throttle*")


def test_a_stopped_cache_leaves_the_pages_and_the_api_working(
    shared_cache, client_for, client, superintendent, teacher
):
    shared_cache.stop()
    leader = client_for(superintendent)
    for name in PAGES:
        assert leader.get(reverse(name)).status_code == 200
    secret = ApiToken.issue(user=teacher, name="Reports")[1]
    assert api_get(client, secret).status_code == 200

    web = client.get(reverse("healthz"))
    assert web.status_code == 200
    assert web.json()["cache"] == "unreachable"
    background = client.get(reverse("healthz_background"))
    assert background.status_code == 503
    assert background.json()["cache"] == "unreachable"


def test_a_frozen_cache_costs_one_short_wait_not_one_per_call(
    shared_cache, client_for, superintendent
):
    leader = client_for(superintendent)
    assert leader.get(reverse(PAGES[0])).status_code == 200
    shared_cache.freeze()
    started = time.monotonic()
    for name in PAGES:
        assert leader.get(reverse(name)).status_code == 200
    assert time.monotonic() - started < 4


def test_the_shared_cache_answers_in_the_health_checks(shared_cache, client):
    assert client.get(reverse("healthz")).json()["cache"] == "ok"
    assert client.get(reverse("healthz_background")).json()["cache"] == "ok"
