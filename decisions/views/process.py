"""The steps a process adds to a decision page: resolve an objection, vote, change process."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from districts.web import HtmxHttpRequest

from .. import services
from ..forms import ProcessChangeForm, ResolveForm, VoteForm
from ..models import Decision, Input, Resolution
from .common import action_page, decision_for_user, require_person


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
@require_POST
def input_resolve(request: HtmxHttpRequest, pk: int, input_pk) -> HttpResponse:
    """The facilitator rules on an objection or a block, or its author withdraws or lifts it."""
    decision = decision_for_user(request, pk, Decision.objects.with_access(request.user))
    entry = get_object_or_404(Input, pk=input_pk, decision=decision)
    entry.decision = decision
    resolution = request.POST.get("resolution", "")
    done_url = f"{decision.get_absolute_url()}#input"
    if resolution not in (Resolution.WITHDRAWN, Resolution.LIFTED):
        # A ruling: a form with a note, shown again with its errors and the note kept.
        require_person(request.user, decision, "rule_objection")
        return action_page(
            request,
            decision,
            ResolveForm(request.POST),
            functools.partial(services.input_resolve, entry=entry, by=request.user),
            success=_("Resolved: it no longer stops the decision."),
            heading=_("Rule on the objection"),
            button=_("Save the ruling"),
            done_url=done_url,
        )
    try:
        services.input_resolve(entry=entry, by=request.user, resolution=resolution)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Resolved: it no longer stops the decision."))
    return redirect(done_url)


@login_required
@require_POST
def vote(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk, Decision.objects.with_access(request.user))
    form = VoteForm(request.POST, options=decision.option_list())
    if not form.is_valid():
        messages.error(request, _("Choose one of the options."))
        return redirect(f"{decision.get_absolute_url()}#vote")
    try:
        services.vote_cast(decision=decision, by=request.user, option=form.cleaned_data["option"])
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Your ballot is cast. Results are shown when the vote closes."))
    return redirect(f"{decision.get_absolute_url()}#vote")


@login_required
@require_POST
def process_change(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    require_person(request.user, decision, "change_process")
    form = ProcessChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose another process and say why it changes."))
        return redirect(decision)
    try:
        services.decision_change_process(decision=decision, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request,
            _("The process is now %(process)s; the change is on the record.")
            % {"process": decision.get_process_type_display().lower()},
        )
    return redirect(decision)
