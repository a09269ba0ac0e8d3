"""The district dashboard for district leaders, and each school's view for its principal."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from districts.models import Role, School, memberships_of
from districts.web import HtmxHttpRequest, csv_response

from .. import dashboard
from ..dashboard import Scope


def sees_a_school(user) -> bool:
    return user.is_district_leader or user.role == Role.PRINCIPAL


def school_for_dashboard(request: HtmxHttpRequest, pk: int) -> School:
    """District leaders open any school of their district; a principal only their own."""
    user = request.user
    if not sees_a_school(user):
        raise Http404("No such page.")
    schools = School.objects.visible_to(user).select_related("coverage")
    if not user.is_district_leader:
        schools = schools.filter(pk__in=memberships_of(user).school_ids)
    return get_object_or_404(schools, pk=pk)


def _page(request: HtmxHttpRequest, scope: Scope) -> HttpResponse:
    return render(
        request,
        "insights/dashboard.html",
        {"scope": scope, "school": scope.school, "sections": dashboard.sections(scope)},
    )


def _csv(scope: Scope, table: str) -> HttpResponse:
    if table not in dashboard.TABLE_KEYS:
        raise Http404("No such table.")
    found = dashboard.table(scope, table)
    if found is None:  # a table of the district view asked of a school's
        raise Http404("No such table.")
    where = f"school-{scope.school.pk}-" if scope.school else ""
    return csv_response(f"{where}{table}.csv", found.header, found.csv_rows())


@login_required
def district_dashboard(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    if user.is_district_leader:
        return _page(request, Scope(user))
    if user.role != Role.PRINCIPAL:
        raise Http404("No such page.")
    schools = list(
        School.objects.visible_to(user)
        .filter(pk__in=memberships_of(user).school_ids)
        .order_by("name", "pk")
        .only("pk", "name")
    )
    if len(schools) == 1:
        return redirect("insights:school", schools[0].pk)
    return render(request, "insights/dashboard_schools.html", {"schools": schools})


@login_required
def school_dashboard(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    school = school_for_dashboard(request, pk)
    return _page(request, Scope(request.user, school))


@login_required
def district_export(request: HtmxHttpRequest, table: str) -> HttpResponse:
    if not request.user.is_district_leader:
        raise Http404("No such page.")
    return _csv(Scope(request.user, full=True), table)


@login_required
def school_export(request: HtmxHttpRequest, pk: int, table: str) -> HttpResponse:
    school = school_for_dashboard(request, pk)
    return _csv(Scope(request.user, school, full=True), table)
