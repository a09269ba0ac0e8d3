"""Helpers shared by the decision views."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from districts.access import visible_or_404
from districts.web import HtmxHttpRequest

from ..integrity import LABELS
from ..models import Decision
from ..processes import STEPS


def decision_for_user(request: HtmxHttpRequest, pk: int, queryset=None) -> Decision:
    """The decision if this person may see it; otherwise 404, whatever the reason."""
    return visible_or_404(
        request,
        # Not `queryset or ...`: a queryset's truth value runs it, over every decision there is.
        queryset
        if queryset is not None
        else Decision.objects.select_related("school", "owning_team", "district"),
        pk=pk,
    )


def require_person(user, decision: Decision, step: str) -> None:
    """A 403 page with the reason, unless this person may take `step` on the decision at all
    (whether its state allows the step now is the engine's answer, shown as a message)."""
    rule = STEPS[step]
    if not rule.who(user, decision):
        raise PermissionDenied(str(rule.refusal))


def action_page(
    request: HtmxHttpRequest,
    decision: Decision,
    form,
    save,
    *,
    success: str,
    heading: str,
    button: str,
    extra: dict | None = None,
    done_url: str = "",
) -> HttpResponse:
    """Run one step of a decision's process: save when valid, else explain and keep what was typed."""
    if form.is_valid():
        try:
            save(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect(done_url or decision.get_absolute_url())
    return render(
        request,
        "decisions/action_form.html",
        {"decision": decision, "form": form, "heading": heading, "button": button, **(extra or {})},
    )


def _flag_labels(decisions):
    for decision in decisions:
        decision.flag_labels = [LABELS.get(code, code) for code in decision.flag_codes]
    return decisions
