"""Helpers shared by the decision views."""

from django.core.exceptions import PermissionDenied

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


def _flag_labels(decisions):
    for decision in decisions:
        decision.flag_labels = [LABELS.get(code, code) for code in decision.flag_codes]
    return decisions
