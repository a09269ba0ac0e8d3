from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

import decisions.selectors
import districts.selectors
import principals.selectors
import rounding.selectors


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
    user.district = district  # the page header shows it: no second fetch
    context["decisions"] = decisions.selectors.home_summary(user, district)
    context["rounding"] = rounding.selectors.home_summary(user, district)
    context["principals"] = principals.selectors.home_summary(user, district)
    return render(request, "home/district_home.html", context)


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and `docker compose`: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
