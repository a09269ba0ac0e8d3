"""The principals page and the pairs of principal and supervisor."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from districts.access import visible_or_404
from districts.web import HtmxHttpRequest, counted_page, require_district_leader, url_for_each

from .. import selectors, services
from ..forms import PairForm
from ..models import CheckIn, CheckInPair, cadence_label

RECENT_MEETINGS = 10
CARD_FIELDS = [
    "pk",
    "principal__name",
    "school__name",
    "interval_weeks",
    "weekday",
    "local_time",
    "overdue_since",
    "last_met",
    "next_at",
    "next_id",
    "missed",
    "open_actions",
]


@login_required
def index(request: HtmxHttpRequest) -> HttpResponse:
    """Supervisors see their principals; principals see their next meeting and history."""
    if not request.user.is_district_leader:
        return principal_page(request)
    who = request.GET.get("who", "mine")
    pairs = CheckInPair.objects.visible_to(request.user).filter(active=True)
    if who != "all" or request.user.role != "superintendent":
        who = "mine"
        pairs = pairs.filter(supervisor=request.user)
    # Plain values, not model instances: building fifty pairs with their people cost more
    # than the query. The supervisor's name shows only on the every-supervisor view.
    fields = [*CARD_FIELDS, *(["supervisor__name"] if who == "all" else [])]
    overview = selectors.pairs_overview(pairs).order_by("principal__name", "pk").values(*fields)
    page = counted_page(overview, request.GET.get("page"))
    return render(
        request,
        "principals/supervisor.html",
        {"page": page, "cards": pair_cards(page, with_supervisor=who == "all"), "who": who},
    )


def pair_cards(pairs, *, with_supervisor: bool) -> list[dict]:
    """What each pair's card shows, worked out here once rather than looked up in the loop."""
    pairs = list(pairs)
    trends = selectors.pulse_trends([pair["pk"] for pair in pairs])
    pair_url, meeting_url = url_for_each("principals:pair"), url_for_each("principals:check_in")
    last_met_label, next_label = day_labels("j M Y"), day_labels("D j M")
    cards = []
    for pair in pairs:
        trend = trends.get(pair["pk"], [])
        cards.append(
            {
                "url": pair_url(pair["pk"]),
                "principal": pair["principal__name"],
                "school": pair["school__name"],
                "supervisor": pair["supervisor__name"] if with_supervisor else "",
                "cadence": cadence_label(
                    pair["interval_weeks"], pair["weekday"], pair["local_time"]
                ),
                "late": pair["overdue_since"] is not None,
                "last_met": pair["last_met"] and last_met_label(pair["last_met"]),
                "next_url": pair["next_id"] and meeting_url(pair["next_id"]),
                "next_at": pair["next_at"] and next_label(pair["next_at"]),
                "pulses_label": ", ".join(map(str, trend)),
                "pulses": trend,
                "open_actions": str(pair["open_actions"]),
                "missed": str(pair["missed"]) if pair["missed"] else "",
            }
        )
    return cards


def day_labels(format_string: str):
    """Each day in the district's zone, formatted once: a page of cards shares a few days."""
    labels: dict[datetime.date, str] = {}

    def label(value: datetime.datetime) -> str:
        day = timezone.localtime(value).date()
        if day not in labels:
            labels[day] = dateformat.format(day, format_string)
        return labels[day]

    return label


def local_date(value: datetime.datetime, format_string: str) -> str:
    """A time in the district's zone (the current one), as the |date filter would show it."""
    return dateformat.format(timezone.localtime(value), format_string)


def principal_page(request: HtmxHttpRequest) -> HttpResponse:
    next_meeting = selectors.next_check_in(request.user)
    history = (
        CheckIn.objects.visible_to(request.user)
        .filter(pair__principal=request.user, scheduled_at__lt=timezone.now())
        .order_by("-scheduled_at", "-pk")
    )
    # The latest few; the pages behind them hold the rest of the years of meetings.
    page = counted_page(history, request.GET.get("page"), RECENT_MEETINGS)
    context = {"next": next_meeting, "page": page, "meetings": meeting_rows(page, "j M Y")}
    if next_meeting is not None:
        context["agenda"] = selectors.agenda_for(next_meeting)
        context["actions"] = selectors.actions_for(next_meeting)
    return render(request, "principals/principal.html", context)


def meeting_rows(meetings, format_string: str) -> list[dict]:
    meeting_url = url_for_each("principals:check_in")
    return [
        {
            "url": meeting_url(meeting.pk),
            "start": local_date(meeting.scheduled_at, format_string),
            "status": meeting.status,
            "status_label": CheckIn.Status(meeting.status).label,
            "pulse": meeting.pulse,
        }
        for meeting in meetings
    ]


@login_required
def pair_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    pair = visible_or_404(
        request, CheckInPair.objects.select_related("principal", "supervisor", "school"), pk=pk
    )
    page = counted_page(pair.check_ins.order_by("-scheduled_at", "-pk"), request.GET.get("page"))
    return render(
        request,
        "principals/pair.html",
        {"pair": pair, "page": page, "meetings": meeting_rows(page, "D j M Y, H:i")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pair_new(request: HtmxHttpRequest) -> HttpResponse:
    require_district_leader(request)
    form = PairForm(
        request.POST or None,
        instance=CheckInPair(district_id=request.user.district_id),
        district_id=request.user.district_id,
        initial={"supervisor": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pair = services.pair_create(
                district=request.user.district,
                supervisor=data["supervisor"],
                principal=data["principal"],
                school=data["school"],
                weekday=data["weekday"],
                local_time=data["local_time"],
                starts_on=data["starts_on"],
                interval_weeks=data["interval_weeks"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Check-ins planned for the coming weeks."))
            return redirect(pair)
    return render(request, "principals/pair_form.html", {"form": form})
