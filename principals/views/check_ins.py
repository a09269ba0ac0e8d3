"""One check-in meeting and what the pair writes in it."""

import contextlib
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from districts.web import HtmxHttpRequest, render_page, url_for_each
from rounding.selectors import open_follow_ups

from .. import selectors, services
from ..forms import (
    ActionItemForm,
    AgendaItemForm,
    PrivateNoteForm,
    ProblemForm,
    RecordForm,
    RescheduleForm,
    options,
)
from ..models import (
    PROMPTS,
    ActionItem,
    AgendaItem,
    CheckIn,
    PrivateNote,
    can_edit_check_in,
    is_pair_member,
)
from .common import check_in_for_user, editable_check_in


def rounding_suggestions(check_in: CheckIn, agenda: list[dict]) -> list[dict]:
    """Open rounding follow-ups at the pair's school, offered as agenda items not yet added."""
    on_agenda = {item["text"] for item in agenda}
    suggestions = []
    for follow_up in open_follow_ups(school_ids=[check_in.pair.school_id])[:5]:
        text = _("Rounding follow-up: %(what)s (due %(day)s)") % {
            "what": follow_up.what,
            "day": f"{follow_up.due_on:%b %-d}",
        }
        if text not in on_agenda:
            suggestions.append(
                {
                    "follow_up": follow_up,
                    "text": text,
                    "about": f"{follow_up.get_status_display()} · {follow_up.owner.name} · "
                    + _("due %(day)s") % {"day": formats.date_format(follow_up.due_on)},
                }
            )
    return suggestions


def carried_from(check_in: CheckIn, item, zone) -> str:
    """The day of the earlier meeting an open item comes from; empty for this meeting's own."""
    if item.check_in_id == check_in.pk:
        return ""
    return dateformat.format(timezone.localtime(item.meeting_at, zone), "j M Y")


def agenda_rows(check_in: CheckIn, items) -> list[dict]:
    """The meeting's agenda as the page shows it, each value worked out once here."""
    resolve_url = url_for_each("principals:agenda_resolve", check_in.pk)
    zone = check_in.pair.zone
    return [
        {
            "kind": item.kind,
            "kind_label": AgendaItem.Kind(item.kind).label,
            "text": item.text,
            "added_by": item.added_by.name if item.added_by else _("someone"),
            "carried_from": carried_from(check_in, item, zone),
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
            "from": carried_from(check_in, item, zone),
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
        messages.success(request, _("Notes saved."))
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
        messages.success(request, _("Your private note is saved."))
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
    marked = {
        CheckIn.Status.HELD: _("Marked as held."),
        CheckIn.Status.MISSED: _("Marked as missed."),
    }
    messages.success(request, marked[check_in.status])
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
            messages.success(request, _("Meeting moved. Its open agenda moved with it."))
            return redirect(moved)
    return render_check_in(request, check_in, reschedule_form=form)
