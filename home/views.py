from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

import decisions.selectors
import districts.selectors
import principals.selectors
import rounding.selectors
from districts.models import District


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


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and `docker compose`: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
