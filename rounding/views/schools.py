"""Follow-ups and the school-level pages: stoplight, briefing, coverage, themes, celebrations."""

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from districts.access import visible_or_404
from districts.bounds import query_id, query_text
from districts.models import Role, Theme
from districts.web import (
    HtmxHttpRequest,
    counted_page,
    require_district_leader,
    url_for_each,
)

from .. import selectors
from ..forms import StatusForm
from ..models import (
    Celebration,
    Conversation,
    FollowUp,
    is_principal_of,
    may_acknowledge,
    may_change_status,
    may_edit,
    may_see_stoplight,
    may_see_themes,
    may_start_visits,
)
from .common import school_or_404


def follow_up_for_user(request: HtmxHttpRequest, pk: int) -> FollowUp:
    return visible_or_404(
        request, FollowUp.objects.select_related("school", "owner", "created_by"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    follow_up = follow_up_for_user(request, pk)
    can_change = may_change_status(request.user, follow_up)
    form = StatusForm(initial={"status": follow_up.status, "reason": follow_up.reason})
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(
                _("Only the owner, the principal or district leaders change this.")
            )
        form = StatusForm(request.POST)
        if form.is_valid():
            try:
                follow_up.change_status(
                    to=form.cleaned_data["status"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Now %(status)s.") % {"status": follow_up.get_status_display().lower()},
                )
                return redirect(follow_up)
    conversation = (
        Conversation.objects.visible_to(request.user)
        .filter(pk=follow_up.conversation_id)
        .select_related("visit", "person")
        .first()
    )
    return render(
        request,
        "rounding/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "changes": follow_up.changes.select_related("by"),
            "form": form,
            "can_change": can_change,
            "can_edit": may_edit(
                request.user,
                author_ids=[follow_up.created_by_id],
                district_id=follow_up.district_id,
            ),
            "conversation": conversation,
        },
    )


# School pages ---------------------------------------------------------------------------


@login_required
def my_school(request: HtmxHttpRequest) -> HttpResponse:
    """The nav entry for principals and staff: their school's rounding page."""
    schools = list(
        request.user.schools.filter(district_id=request.user.district_id).order_by("name")
    )
    if len(schools) == 1:
        return redirect("rounding:school", schools[0].pk)
    return render(request, "rounding/my_school.html", {"schools": schools})


OPEN_PAGE_SIZE = 12
DONE_PAGE_SIZE = 5
# What a stoplight row shows; of the owner, the name only.
STOPLIGHT_FIELDS = ["what", "heard", "due_on", "status", "reason", "owner__name"]
CELEBRATION_FIELDS = ["what", "name", "shared", "person__name"]
OPEN_STATUSES = [FollowUp.Status.RED, FollowUp.Status.YELLOW, FollowUp.Status.NEW]
# Red first (staff should hear what cannot be done), then what moves, then what waits.
OPEN_ORDER = Case(
    *(When(status=status, then=Value(n)) for n, status in enumerate(OPEN_STATUSES)),
    default=Value(len(OPEN_STATUSES)),
)


@login_required
def school_report(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The stoplight report, shareable with the school's staff: no names of who raised what.

    What is still open comes first, a page at a time; of what is done, the latest few, with
    older ones a tap away.
    """
    school = school_or_404(request, pk)
    if not may_see_stoplight(request.user, school):
        raise Http404("No such page.")
    # Whoever may see the stoplight sees every follow-up of the school.
    follow_ups = FollowUp.objects.filter(district_id=school.district_id, school=school)
    counts = dict(follow_ups.values_list("status").annotate(n=Count("pk")).order_by())
    rows = follow_ups.select_related("owner").only(*STOPLIGHT_FIELDS)
    done = counted_page(
        rows.filter(status=FollowUp.Status.GREEN).order_by(
            F("done_at").desc(nulls_last=True), "-pk"
        ),
        request.GET.get("done"),
        DONE_PAGE_SIZE,
        count=counts.get(FollowUp.Status.GREEN, 0),
    )
    follow_up_url = url_for_each("rounding:follow_up")
    for follow_up in done:
        follow_up.url = follow_up_url(follow_up.pk)
    if request.htmx and not request.htmx.boosted and "done" in request.GET:
        return render(request, "rounding/school_report.html#done", {"school": school, "done": done})
    open_page = counted_page(
        rows.open().order_by(OPEN_ORDER, "due_on", "pk"),
        request.GET.get("page"),
        OPEN_PAGE_SIZE,
        count=sum(counts.get(status, 0) for status in OPEN_STATUSES),
    )
    for follow_up in open_page:
        follow_up.url = follow_up_url(follow_up.pk)
    red = [f for f in open_page if f.status == FollowUp.Status.RED]
    yellow = [f for f in open_page if f.status == FollowUp.Status.YELLOW]
    new = [f for f in open_page if f.status == FollowUp.Status.NEW]
    today = timezone.localdate()
    since = today - datetime.timedelta(days=120)
    heard = (
        Conversation.themes.through.objects.filter(
            theme__district_id=school.district_id,
            conversation__district_id=school.district_id,
            conversation__visit__school=school,
            conversation__visit__date__gte=since,
        )
        .values("theme_id", name=F("theme__name"))
        .annotate(n=Count("pk"))
        .order_by("-n", "name")
    )
    concerns = dict.fromkeys(f.heard for f in [*red, *yellow, *new] if f.heard)
    # As `Celebration.objects.visible_to`, for a school the reader is known to belong to:
    # leaders and its principal see every celebration, its staff the shared ones.
    leader = request.user.is_district_leader
    celebrations = Celebration.objects.filter(district_id=school.district_id, school=school)
    if not (leader or request.user.role == Role.PRINCIPAL):
        celebrations = celebrations.filter(shared=True)
    return render(
        request,
        "rounding/school_report.html",
        {
            "school": school,
            "counts": {status: counts.get(status, 0) for status in FollowUp.Status.values},
            "page": open_page,
            "red": red,
            "yellow": yellow,
            "new": new,
            "done": done,
            "today": today,
            "heard": heard,
            "concerns_heard": list(concerns)[:10],
            "celebrations": celebrations.select_related("person").only(*CELEBRATION_FIELDS)[:6],
            "leader": leader,
            "starts_visits": leader
            or (may_start_visits(request.user) and is_principal_of(request.user, school.pk)),
        },
    )


@login_required
def briefing(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    require_district_leader(request)
    school = school_or_404(request, pk)
    context = selectors.briefing(request.user, school)
    context["school"] = school
    return render(request, "rounding/briefing.html", context)


@login_required
def coverage(request: HtmxHttpRequest) -> HttpResponse:
    require_district_leader(request)
    context = selectors.coverage(
        request.user,
        page_number=request.GET.get("page"),
        overdue_only=request.GET.get("overdue") == "1",
    )
    briefing_url = url_for_each("rounding:briefing")
    for row in context["rows"]:
        row["briefing_url"] = briefing_url(row["school"].pk)
    # On a phone, a card per school: the longest without a visit first, never visited at the top.
    context["cards"] = sorted(
        context["rows"], key=lambda row: -1 if row["days"] is None else -row["days"]
    )
    return render(request, "rounding/coverage.html", context)


@login_required
def themes(request: HtmxHttpRequest) -> HttpResponse:
    """Counts per theme per month; district leaders also read the conversations behind a count."""
    if not may_see_themes(request.user):
        raise Http404("No such page.")
    leader = request.user.is_district_leader
    school_ids = None if leader else list(request.user.schools.values_list("pk", flat=True))
    context = selectors.theme_counts(district_id=request.user.district_id, school_ids=school_ids)
    context["leader"] = leader
    theme_pk, month = query_id(request, "theme"), query_text(request, "month")
    if leader and theme_pk and re.fullmatch(r"[0-9]{4}-[0-9]{2}", month):
        try:
            start = datetime.date.fromisoformat(f"{month}-01")
        except ValueError:
            start = None
        theme = Theme.objects.filter(district_id=request.user.district_id, pk=theme_pk).first()
        if start and theme:
            end = (start + datetime.timedelta(days=32)).replace(day=1)
            behind = (
                Conversation.objects.visible_to(request.user)
                .filter(themes=theme, visit__date__gte=start, visit__date__lt=end)
                .select_related("person", "visit__school")
                .order_by("-visit__date", "pk")
            )
            context.update(
                theme=theme, month=start, behind=counted_page(behind, request.GET.get("page"))
            )
    return render(request, "rounding/themes.html", context)


# Celebrations ---------------------------------------------------------------------------


@login_required
def celebrations(request: HtmxHttpRequest, school_pk: int | None = None) -> HttpResponse:
    school = school_or_404(request, school_pk) if school_pk else None
    rows = Celebration.objects.visible_to(request.user).select_related("school", "person")
    if school:
        rows = rows.filter(school=school)
    page = counted_page(rows.order_by("-created_at", "-pk"), request.GET.get("page"))
    # One query for the principal's schools, not one per celebration.
    leader = request.user.is_district_leader
    principal_of = (
        set(request.user.schools.values_list("pk", flat=True))
        if request.user.role == Role.PRINCIPAL
        else set()
    )
    for celebration in page:
        celebration.can_acknowledge = celebration.acknowledged_on is None and (
            leader or celebration.school_id in principal_of
        )
    return render(request, "rounding/celebrations.html", {"school": school, "page": page})


@login_required
@require_POST
def celebration_acknowledge(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    celebration = visible_or_404(request, Celebration.objects.select_related("school"), pk=pk)
    if not may_acknowledge(request.user, celebration):
        raise PermissionDenied(
            _("District leaders and the school's principal acknowledge recognitions.")
        )
    try:
        celebration.acknowledge()
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("Recognition of %(name)s acknowledged.") % {"name": celebration.who}
        )
    back = request.POST.get("next", "")
    # Only a page of rounding, and only an address a link could hold (no line breaks).
    if back.startswith("/rounding/") and back.isprintable():
        return redirect(back)
    return redirect("rounding:celebrations")
