import contextlib
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import dateformat, formats, timezone
from django.views.decorators.http import require_http_methods, require_POST

from districts.access import visible_or_404
from districts.models import Theme
from districts.web import (
    HtmxHttpRequest,
    counted_page,
    render_page,
    require_district_leader,
    url_for_each,
)
from rounding.selectors import open_follow_ups

from . import ics, selectors, services
from .forms import (
    ActionItemForm,
    AgendaItemForm,
    PairForm,
    PrivateNoteForm,
    ProblemForm,
    RecordForm,
    RescheduleForm,
    SchoolBreakForm,
    options,
)
from .models import (
    PROMPTS,
    ActionItem,
    AgendaItem,
    CalendarFeed,
    CheckIn,
    CheckInPair,
    PrivateNote,
    SchoolBreak,
    cadence_label,
    can_edit_check_in,
    is_pair_member,
)

EMERGING_PERIODS = {28: "4 weeks", 56: "8 weeks", 91: "a quarter"}
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


def check_in_for_user(request: HtmxHttpRequest, pk: int) -> CheckIn:
    """The meeting if the user is one of the pair or the superintendent, else 404."""
    check_in = visible_or_404(
        request,
        CheckIn.objects.select_related("pair__principal", "pair__supervisor", "pair__school"),
        pk=pk,
    )
    # visible_to finds meetings of the user's own district only, which came with the user.
    check_in.pair.district = request.user.district
    return check_in


def editable_check_in(request: HtmxHttpRequest, pk: int) -> CheckIn:
    """Only the two people in the meeting write in it; anyone else gets a 404."""
    check_in = check_in_for_user(request, pk)
    if not can_edit_check_in(request.user, check_in):
        raise Http404("Only the two people in the meeting write in it.")
    return check_in


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
            messages.success(request, "Check-ins planned for the coming weeks.")
            return redirect(pair)
    return render(request, "principals/pair_form.html", {"form": form})


def rounding_suggestions(check_in: CheckIn, agenda: list[dict]) -> list[dict]:
    """Open rounding follow-ups at the pair's school, offered as agenda items not yet added."""
    on_agenda = {item["text"] for item in agenda}
    suggestions = []
    for follow_up in open_follow_ups(school_ids=[check_in.pair.school_id])[:5]:
        text = f"Rounding follow-up: {follow_up.what} (due {follow_up.due_on:%b %-d})"
        if text not in on_agenda:
            suggestions.append(
                {
                    "follow_up": follow_up,
                    "text": text,
                    "about": f"{follow_up.get_status_display()} · {follow_up.owner.name}"
                    f" · due {formats.date_format(follow_up.due_on)}",
                }
            )
    return suggestions


def agenda_rows(check_in: CheckIn, items) -> list[dict]:
    """The meeting's agenda as the page shows it, each value worked out once here."""
    resolve_url = url_for_each("principals:agenda_resolve", check_in.pk)
    zone = check_in.pair.zone
    return [
        {
            "kind": item.kind,
            "kind_label": AgendaItem.Kind(item.kind).label,
            "text": item.text,
            "added_by": item.added_by.name if item.added_by else "someone",
            "carried_from": (
                ""
                if item.check_in_id == check_in.pk
                else dateformat.format(timezone.localtime(item.meeting_at, zone), "j M")
            ),
            "resolved": item.resolved,
            "resolve_url": resolve_url(item.pk),
        }
        for item in items
    ]


def action_rows(check_in: CheckIn, items) -> list[dict]:
    done_url = url_for_each("principals:action_done", check_in.pk)
    zone = check_in.pair.zone
    return [
        {
            "text": item.text,
            "owner": item.owner.name,
            "due_on": item.due_on and formats.date_format(item.due_on),
            "late": item.is_late,
            "from": (
                ""
                if item.check_in_id == check_in.pk
                else dateformat.format(timezone.localtime(item.meeting_at, zone), "j M")
            ),
            "done": item.done,
            "done_url": done_url(item.pk),
        }
        for item in items
    ]


def moved_from_start(check_in: CheckIn) -> datetime.datetime | None:
    if check_in.moved_from_id is None:
        return None
    earlier = CheckIn.objects.filter(pk=check_in.moved_from_id).values_list("scheduled_at")
    return timezone.localtime(earlier.get()[0], check_in.pair.zone)


def moved_to(check_in: CheckIn) -> CheckIn | None:
    # Only a moved meeting has a new one: any other meeting saves the query.
    if check_in.status != CheckIn.Status.RESCHEDULED:
        return None
    new_meeting = CheckIn.objects.filter(moved_from=check_in).first()
    if new_meeting is not None:
        new_meeting.pair = check_in.pair  # a meeting moves within its pair
    return new_meeting


def check_in_context(request: HtmxHttpRequest, check_in: CheckIn, **forms) -> dict:
    user = request.user
    member = is_pair_member(user, check_in)
    editable = can_edit_check_in(user, check_in)
    agenda = agenda_rows(check_in, selectors.agenda_for(check_in))
    context = {
        "check_in": check_in,
        "pair": check_in.pair,
        "start": check_in.local_start(),
        "status_label": CheckIn.Status(check_in.status).label,
        "member": member,
        "editable": editable,
        "agenda": agenda,
        "actions": action_rows(check_in, selectors.actions_for(check_in)),
        "problems": check_in.problems.prefetch_related("themes"),
        "prompts": [(AgendaItem.Kind(kind).label, text) for kind, text in PROMPTS.items()],
        "moved_from": moved_from_start(check_in),
        "moved_to": moved_to(check_in),
    }
    if member:
        note = PrivateNote.objects.visible_to(user).filter(check_in=check_in).first()
        context["private_form"] = forms.get("private_form") or PrivateNoteForm(
            initial={"text": note.text if note else ""}
        )
        context["private_saved"] = note.updated_at if note else None
    if editable:
        context["suggestions"] = rounding_suggestions(check_in, agenda)
        agenda_form = forms.get("agenda_form") or AgendaItemForm()
        action_form = forms.get("action_form") or ActionItemForm(check_in=check_in)
        record_form = forms.get("record_form") or RecordForm(instance=check_in)
        problem_form = forms.get("problem_form") or ProblemForm(district_id=check_in.district_id)
        context.update(
            agenda_form=agenda_form,
            kind_options=options(agenda_form["kind"]),
            action_form=action_form,
            owner_options=options(action_form["owner"]),
            record_form=record_form,
            pulse_options=options(record_form["pulse"]),
            problem_form=problem_form,
            theme_options=options(problem_form["themes"]),
            reschedule_form=forms.get("reschedule_form") or RescheduleForm(),
            status_error=forms.get("status_error"),
        )
    return context


def render_check_in(request, check_in, partial: str | None = None, **forms) -> HttpResponse:
    context = check_in_context(request, check_in, **forms)
    return render_page(request, "principals/check_in.html", context, partial=partial)


@login_required
def check_in_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    check_in = check_in_for_user(request, pk)
    return render_check_in(request, check_in)


@login_required
@require_POST
def agenda_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    check_in = editable_check_in(request, pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_add(check_in=check_in, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not request.htmx:
                return redirect(check_in)
            form = AgendaItemForm()
    return render_check_in(request, check_in, "agenda", agenda_form=form)


@login_required
@require_POST
def agenda_resolve(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    check_in = editable_check_in(request, pk)
    item = get_object_or_404(AgendaItem.objects.for_check_in(check_in), pk=item_pk)
    resolved = request.POST.get("resolved") != "0"
    # Already in the state asked for (a double click): nothing to do.
    with contextlib.suppress(ValidationError):
        services.agenda_item_resolve(item=item, at=check_in, resolved=resolved)
    if not request.htmx:
        return redirect(check_in)
    return render_check_in(request, check_in, "agenda")


@login_required
@require_POST
def action_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    check_in = editable_check_in(request, pk)
    form = ActionItemForm(request.POST, check_in=check_in)
    if form.is_valid():
        data = form.cleaned_data
        owner = (
            check_in.pair.principal
            if data["owner"] == check_in.pair.principal_id
            else check_in.pair.supervisor
        )
        try:
            services.action_item_add(
                check_in=check_in, owner=owner, text=data["text"], due_on=data["due_on"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not request.htmx:
                return redirect(check_in)
            form = ActionItemForm(check_in=check_in)
    return render_check_in(request, check_in, "actions", action_form=form)


@login_required
@require_POST
def action_done(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    check_in = editable_check_in(request, pk)
    item = get_object_or_404(ActionItem.objects.filter(pair_id=check_in.pair_id), pk=item_pk)
    services.action_item_set_done(item=item, done=request.POST.get("done") != "0")
    if not request.htmx:
        return redirect(check_in)
    return render_check_in(request, check_in, "actions")


@login_required
@require_POST
def record(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    check_in = editable_check_in(request, pk)
    form = RecordForm(request.POST, instance=check_in)
    if form.is_valid():
        services.check_in_record(check_in=check_in, **form.cleaned_data)
        messages.success(request, "Notes saved.")
        return redirect(check_in)
    check_in.refresh_from_db()
    return render_check_in(request, check_in, record_form=form)


@login_required
@require_POST
def private_note(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    check_in = check_in_for_user(request, pk)
    if not is_pair_member(request.user, check_in):
        raise Http404("Only the two people in the meeting keep notes on it.")
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        services.private_note_save(
            check_in=check_in, author=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, "Your private note is saved.")
        return redirect(check_in)
    return render_check_in(request, check_in, private_form=form)


@login_required
@require_POST
def problem_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    check_in = editable_check_in(request, pk)
    form = ProblemForm(request.POST, district_id=check_in.district_id)
    if form.is_valid():
        services.problem_add(
            check_in=check_in,
            text=form.cleaned_data["text"],
            themes=list(form.cleaned_data["themes"]),
        )
        return redirect(check_in)
    return render_check_in(request, check_in, problem_form=form)


@login_required
@require_POST
def status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    check_in = editable_check_in(request, pk)
    try:
        services.check_in_set_status(check_in=check_in, status=request.POST.get("status", ""))
    except ValidationError as error:
        check_in.refresh_from_db()
        return render_check_in(request, check_in, status_error=" ".join(error.messages))
    messages.success(request, f"Marked as {check_in.get_status_display().lower()}.")
    return redirect(check_in)


@login_required
@require_POST
def reschedule(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    check_in = editable_check_in(request, pk)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        try:
            moved = services.check_in_reschedule(
                check_in=check_in,
                by=request.user,
                on=form.cleaned_data["on"],
                at=form.cleaned_data["at"],
            )
        except ValidationError as error:
            check_in.refresh_from_db()
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    for item in errors:
                        form.add_error(field if field in form.fields else None, item)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, "Meeting moved. Its open agenda moved with it.")
            return redirect(moved)
    return render_check_in(request, check_in, reschedule_form=form)


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
                messages.success(request, "Break saved: no check-ins are planned inside it.")
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
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, "The calendar address no longer works.")
        else:
            services.calendar_feed_reset(user=request.user)
            messages.success(request, "A new calendar address is ready; the old one stopped.")
        return redirect("principals:calendar")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(
        request,
        "principals/calendar.html",
        {
            "feed": feed,
            "feed_url": request.build_absolute_uri(feed.get_absolute_url()) if feed else "",
        },
    )


def feed(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """No sign-in: calendar apps fetch this. The secret address is the key; reset it to revoke."""
    found = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    body = ics.feed_for(found.user, host=request.get_host().split(":")[0] or "roundtable")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="check-ins.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
