import datetime

from celery import current_app
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

import decisions.selectors
import districts.selectors
import principals.selectors
import rounding.selectors
from districts.models import District
from notifications.outbox import oldest_due_email_age

EMAIL_STUCK_AFTER = datetime.timedelta(minutes=15)


@login_required
def district_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.district_id is None:
        return render(request, "home/no_district.html", status=200)
    # Each app's counts ride on the district's own query; its sections read them from there.
    context = districts.selectors.district_overview(
        user,
        **decisions.selectors.home_annotations(user),
        **rounding.selectors.home_annotations(user),
        **principals.selectors.home_annotations(user),
    )
    district = context["district"]
    context["decisions"] = decisions.selectors.home_summary(user, district)
    context["rounding"] = rounding.selectors.home_summary(user, district)
    context["principals"] = principals.selectors.home_summary(user, district)
    return render(request, "home/district_home.html", context)


@login_required
def baseline(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: one indexed query (the district by primary key), a small page.

    It runs through the whole middleware stack like every other page, so the benchmark can
    show each key page's speed as a ratio to the least a signed-in page can cost.
    """
    district = District.objects.filter(pk=request.user.district_id).only("name").first()
    return render(request, "home/baseline.html", {"district": district})


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unreachable"
    return "ok"


def broker_status() -> str:
    """Whether a task could be published now; gives up within the broker's socket timeouts."""
    try:
        with current_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception:
        return "unreachable"
    return "ok"


def cache_status() -> str:
    """ "in-process" for each process's own cache; a shared one is "ok" or "unreachable"."""
    if not hasattr(cache, "reachable"):
        return "in-process"
    return "ok" if cache.reachable() else "unreachable"


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: 200 while this web process reaches its database.

    The broker and the cache are reported but do not fail the check: pages and saves work
    without them, and what the broker would carry waits in the database. `/healthz/background`
    is the monitor's check.
    """
    report = {"database": database_status(), "broker": broker_status(), "cache": cache_status()}
    healthy = report["database"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "failing", **report}, status=200 if healthy else 503
    )


@never_cache
def healthz_background(request: HttpRequest) -> HttpResponse:
    """For a monitor: 503 when the database, broker or shared cache is unreachable, or e-mail
    is stuck.

    E-mail is stuck when the oldest one due has waited longer than `EMAIL_STUCK_AFTER`: the
    worker or beat is not running, or the mail server has refused for that long.
    """
    report = {"database": database_status(), "broker": broker_status(), "cache": cache_status()}
    waited = oldest_due_email_age() if report["database"] == "ok" else None
    report["oldest_due_email_seconds"] = int(waited.total_seconds()) if waited else 0
    healthy = (
        report["database"] == report["broker"] == "ok"
        and report["cache"] != "unreachable"
        and (waited is None or waited <= EMAIL_STUCK_AFTER)
    )
    return JsonResponse(
        {"status": "ok" if healthy else "failing", **report}, status=200 if healthy else 503
    )
