"""What people do to a decision: move, open input, decide, reflect, stakeholders."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from districts.web import HtmxHttpRequest

from .. import services
from ..forms import (
    DecideForm,
    OpenInputForm,
    PrincipleTestForm,
    ReflectionForm,
    StakeholderForm,
    SupersedeForm,
    WithdrawForm,
)
from ..guide import decide_briefing
from ..models import Decision, Involvement, Stakeholder, can_decide, can_edit
from .common import action_page, decision_for_user, require_person


@login_required
@require_POST
def transition(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One button per lifecycle step; refusals come back as a message, not an error page."""
    decision = decision_for_user(request, pk)
    action = request.POST.get("action", "")
    user = request.user
    if action not in services.MOVES:
        raise PermissionDenied(_("That is not a step a decision can take."))
    require_person(user, decision, action)
    reason = ""
    if action == "withdraw":
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(decision)
        reason = form.cleaned_data["reason"]
    try:
        services.decision_move(decision=decision, by=user, action=action, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(number)s is now %(status)s.")
            % {"number": decision.number, "status": decision.get_status_display().lower()},
        )
    return redirect(decision)


@login_required
@require_http_methods(["GET", "POST"])
def open_input(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    require_person(request.user, decision, "open_input")
    form = OpenInputForm(
        request.POST or None,
        initial={
            "input_opens": decision.input_opens or timezone.now(),
            "input_closes": decision.input_closes,
        },
    )

    def save(input_opens, input_closes):
        services.decision_open_input(
            decision=decision, by=request.user, opens=input_opens, closes=input_closes
        )

    return action_page(
        request,
        decision,
        form,
        save,
        success=_("Input is open: the stakeholders have been told."),
        heading=_("Open for input"),
        button=_("Open for input"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    require_person(request.user, decision, "decide")
    form = DecideForm(
        request.POST or None,
        initial={
            "outcome": decision.outcome,
            "rationale": decision.rationale,
            "heard": decision.heard,
        },
        process=decision.process_type,
    )
    return action_page(
        request,
        decision,
        form,
        functools.partial(services.decision_decide, decision=decision, by=request.user),
        success=_("Decided. Everyone involved has been told."),
        heading=_("Record the decision"),
        button=_("Record the decision"),
        extra={"briefing": decide_briefing(request.user, decision)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reflect(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    involved = (
        can_decide(request.user, decision)
        or decision.stakeholders.filter(involvement=Involvement.AFFECTED)
        .filter(_me(request.user))
        .exists()
    )
    if not involved:
        raise PermissionDenied(_("The deciders and the affected people reflect on a decision."))
    return action_page(
        request,
        decision,
        ReflectionForm(request.POST or None),
        functools.partial(services.reflection_add, decision=decision, by=request.user),
        success=_("Thank you for the reflection."),
        heading=_("Reflect on the decision"),
        button=_("Save the reflection"),
    )


def _me(user):
    from ..models import matches_person

    return matches_person(user)


@login_required
@require_POST
def stakeholder_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    if not can_edit(request.user, decision):
        raise PermissionDenied(_("Only the owning team changes who is involved."))
    form = StakeholderForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.stakeholder_add(decision=decision, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Added."))
    else:
        messages.error(request, _("Choose who and how they are involved."))
    return redirect(f"{decision.get_absolute_url()}#stakeholders")


@login_required
@require_POST
def stakeholder_remove(request: HtmxHttpRequest, pk: int, stakeholder_pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    if not can_edit(request.user, decision):
        raise PermissionDenied(_("Only the owning team changes who is involved."))
    stakeholder = get_object_or_404(Stakeholder, pk=stakeholder_pk, decision=decision)
    services.stakeholder_remove(stakeholder=stakeholder, by=request.user)
    return redirect(f"{decision.get_absolute_url()}#stakeholders")


@login_required
@require_POST
def principle_test(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    if not can_edit(request.user, decision):
        raise PermissionDenied(_("Only the owning team tests the decision against principles."))
    form = PrincipleTestForm(request.POST, user=request.user)
    if form.is_valid():
        services.principle_test(decision=decision, by=request.user, **form.cleaned_data)
    else:
        messages.error(request, _("Choose a principle and write how the decision holds up."))
    return redirect(f"{decision.get_absolute_url()}#principles")


@login_required
@require_POST
def supersede(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    require_person(request.user, decision, "supersede")
    form = SupersedeForm(request.POST)
    newer = None
    if form.is_valid():
        newer = (
            Decision.objects.visible_to(request.user)
            .filter(number__iexact=form.cleaned_data["newer"].strip())
            .first()
        )
    if newer is None:
        messages.error(request, _("No decision you can see has that number."))
    else:
        try:
            services.decision_supersede(decision=decision, newer=newer, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Superseded by %(number)s.") % {"number": newer.number})
    return redirect(decision)
