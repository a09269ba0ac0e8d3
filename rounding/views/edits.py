"""Editing and removing what was recorded: its author or a district leader; history kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from districts.access import visible_or_404
from districts.web import HtmxHttpRequest

from .. import changes
from ..forms import CelebrationForm, ConversationForm, FollowUpForm, VisitEditForm
from ..models import Celebration, Conversation, FollowUp, RoundingVisit, may_edit
from .common import roster_at


def _check(request, row, author_ids) -> None:
    if not may_edit(request.user, author_ids=author_ids, district_id=row.district_id):
        raise PermissionDenied(_("Only who recorded it or a district leader may change it."))


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, error)


def _edit_page(request, *, title, form, back, remove_url=None) -> HttpResponse:
    return render(
        request,
        "rounding/edit.html",
        {"title": title, "form": form, "back": back, "remove_url": remove_url},
    )


def _confirm_page(request, *, title, what, back) -> HttpResponse:
    return render(request, "rounding/remove.html", {"title": title, "what": what, "back": back})


def _conversation(request, pk):
    conversation = visible_or_404(
        request, Conversation.objects.select_related("visit__school", "person"), pk=pk
    )
    visitors = conversation.visit.visitors.values_list("pk", flat=True)
    _check(request, conversation, visitors)
    return conversation


@login_required
@require_http_methods(["GET", "POST"])
def conversation_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    visit = conversation.visit
    initial = {
        f: getattr(conversation, f)
        for f in ("person", "name", "role_group", "working", "recognition", "concerns", "ideas")
    }
    initial["themes"] = list(conversation.themes.all())
    people = roster_at(visit.school, also=conversation.person_id)
    form = ConversationForm(
        request.POST or None, initial=initial, district_id=visit.district_id, people=people
    )
    back = f"{visit.get_absolute_url()}#conversation-{pk}"
    if form.is_valid():
        try:
            changes.conversation_edit(
                conversation=conversation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Conversation saved. The earlier version is kept."))
            return redirect(back)
    return _edit_page(
        request,
        title=_("Edit the conversation with %s") % conversation.display_name,
        form=form,
        back=back,
        remove_url=reverse("rounding:conversation_remove", args=[pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    visit = conversation.visit
    if request.method == "POST":
        changes.conversation_remove(conversation=conversation, by=request.user)
        messages.success(request, _("Conversation removed. A copy is kept in the history."))
        return redirect(visit)
    return _confirm_page(
        request,
        title=_("Remove the conversation with %s?") % conversation.display_name,
        what=conversation,
        back=f"{visit.get_absolute_url()}#conversation-{pk}",
    )


def _visit(request, pk):
    visit = visible_or_404(request, RoundingVisit.objects.select_related("school"), pk=pk)
    _check(request, visit, [visit.created_by_id, *visit.visitors.values_list("pk", flat=True)])
    return visit


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    form = VisitEditForm(
        request.POST or None, initial={"date": visit.date, "purpose": visit.purpose}
    )
    if form.is_valid():
        try:
            changes.visit_edit(visit=visit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Visit saved. The earlier version is kept."))
            return redirect(visit)
    return _edit_page(
        request,
        title=_("Edit the visit to %s") % visit.school.name,
        form=form,
        back=visit.get_absolute_url(),
        remove_url=reverse("rounding:visit_remove", args=[pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    if request.method == "POST":
        changes.visit_remove(visit=visit, by=request.user)
        messages.success(request, _("Visit removed. A copy is kept in the history."))
        return redirect("rounding:visits")
    return _confirm_page(
        request,
        title=_("Remove the visit to %s and its conversations?") % visit.school.name,
        what=visit,
        back=visit.get_absolute_url(),
    )


def _celebration(request, pk):
    celebration = visible_or_404(request, Celebration.objects.select_related("school"), pk=pk)
    _check(request, celebration, [celebration.recorded_by_id])
    return celebration


def _celebration_back(celebration) -> str:
    if celebration.visit_id:
        return reverse("rounding:visit", args=[celebration.visit_id])
    return reverse("rounding:school_celebrations", args=[celebration.school_id])


@login_required
@require_http_methods(["GET", "POST"])
def celebration_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    celebration = _celebration(request, pk)
    initial = {f: getattr(celebration, f) for f in ("person", "name", "what", "shared")}
    people = roster_at(celebration.school, also=celebration.person_id)
    form = CelebrationForm(
        request.POST or None, initial=initial, district_id=celebration.district_id, people=people
    )
    back = _celebration_back(celebration)
    if form.is_valid():
        try:
            changes.celebration_edit(celebration=celebration, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Celebration saved. The earlier version is kept."))
            return redirect(back)
    return _edit_page(
        request,
        title=_("Edit the celebration of %s") % celebration.who,
        form=form,
        back=back,
        remove_url=reverse("rounding:celebration_remove", args=[pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def celebration_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    celebration = _celebration(request, pk)
    back = _celebration_back(celebration)
    if request.method == "POST":
        changes.celebration_remove(celebration=celebration, by=request.user)
        messages.success(request, _("Celebration removed. A copy is kept in the history."))
        return redirect(back)
    return _confirm_page(
        request,
        title=_("Remove the celebration of %s?") % celebration.who,
        what=celebration,
        back=back,
    )


def _follow_up(request, pk):
    follow_up = visible_or_404(request, FollowUp.objects.select_related("school"), pk=pk)
    _check(request, follow_up, [follow_up.created_by_id])
    return follow_up


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    initial = {f: getattr(follow_up, f) for f in ("what", "heard", "owner", "due_on")}
    form = FollowUpForm(request.POST or None, initial=initial, district_id=follow_up.district_id)
    if form.is_valid():
        try:
            changes.follow_up_edit(follow_up=follow_up, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Follow-up saved. The earlier version is kept."))
            return redirect(follow_up)
    return _edit_page(
        request,
        title=_("Edit the follow-up"),
        form=form,
        back=follow_up.get_absolute_url(),
        remove_url=reverse("rounding:follow_up_remove", args=[pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    if request.method == "POST":
        school_id = follow_up.school_id
        changes.follow_up_remove(follow_up=follow_up, by=request.user)
        messages.success(request, _("Follow-up removed from the stoplight. A copy is kept."))
        return redirect("rounding:school", school_id)
    return _confirm_page(
        request,
        title=_("Remove this follow-up from the stoplight?"),
        what=follow_up,
        back=follow_up.get_absolute_url(),
    )
