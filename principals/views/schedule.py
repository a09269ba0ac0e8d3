"""School breaks, emerging themes, the calendar and its feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from districts.languages import language_of
from districts.models import Theme
from districts.web import HtmxHttpRequest, counted_page, require_district_leader

from .. import ics, selectors, services
from ..forms import SchoolBreakForm
from ..models import CalendarFeed, SchoolBreak, feed_path

EMERGING_PERIODS = {
    28: gettext_lazy("4 weeks"),
    56: gettext_lazy("8 weeks"),
    91: gettext_lazy("a quarter"),
}


@login_required
@require_http_methods(["GET", "POST"])
def breaks(request: HtmxHttpRequest) -> HttpResponse:
    form = SchoolBreakForm(request.POST or None)
    if request.method == "POST":
        require_district_leader(request)
        if form.is_valid():
            try:
                services.school_break_create(district=request.user.district, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Break saved: no check-ins are planned inside it."))
                return redirect("principals:breaks")
    school_breaks = SchoolBreak.objects.visible_to(request.user).order_by("-starts_on")
    return render(
        request,
        "principals/breaks.html",
        {
            "page": counted_page(school_breaks, request.GET.get("page")),
            "form": form if request.user.is_district_leader else None,
        },
    )


@login_required
def emerging(request: HtmxHttpRequest) -> HttpResponse:
    require_district_leader(request)
    try:
        days = int(request.GET.get("days", 28))
    except ValueError:
        days = 28
    if days not in EMERGING_PERIODS:
        days = 28
    themes = selectors.emerging_problems(request.user.district_id, days=days)
    return render(
        request,
        "principals/emerging.html",
        {
            "themes": themes,
            "days": days,
            "periods": EMERGING_PERIODS.items(),
            "has_themes": Theme.objects.visible_to(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HtmxHttpRequest) -> HttpResponse:
    feed_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("The calendar address no longer works."))
            return redirect("principals:calendar")
        _feed, token = services.calendar_feed_reset(user=request.user)
        messages.success(request, _("A new calendar address is ready; the old one stopped."))
        # Shown in this answer only: the address is kept nowhere, not even in the session.
        feed_url = request.build_absolute_uri(feed_path(token))
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "principals/calendar.html", {"feed": feed, "feed_url": feed_url})


def feed(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """No sign-in: calendar apps fetch this. The secret address is the key; reset it to revoke."""
    found = CalendarFeed.for_token(token)
    if found is None:
        raise Http404("No such calendar.")
    # The calendar app sends no language of its own: the entries read in the person's.
    with translation.override(language_of(found.user)):
        body = ics.feed_for(found.user, host=request.get_host().split(":")[0] or "roundtable")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="check-ins.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
