"""The decision-rights map: everyone reads it; the district's leaders change it, on the record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from districts.web import HtmxHttpRequest, require_district_leader

from .. import rights as rights_services
from ..forms import RightForm
from ..models import DecisionRight, DecisionRightChange, Domain

HISTORY_SHOWN = 20


def _page(request: HtmxHttpRequest, form=None, status: int = 200) -> HttpResponse:
    user = request.user
    rights = DecisionRight.objects.visible_to(user).select_related("team")
    by_domain: dict[str, list] = {}
    for right in rights:
        by_domain.setdefault(right.get_domain_display(), []).append(right)
    leader = user.is_district_leader
    return render(
        request,
        "decisions/rights.html",
        {
            "by_domain": sorted(by_domain.items()),
            "domains": Domain.choices,
            "may_change": leader,
            "form": (form or RightForm(user=user)) if leader else None,
            "history": DecisionRightChange.objects.filter(district_id=user.district_id)
            .select_related("actor")
            .order_by("-created_at", "-pk")[:HISTORY_SHOWN],
        },
        status=status,
    )


@login_required
def rights_map(request: HtmxHttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def right_add(request: HtmxHttpRequest) -> HttpResponse:
    require_district_leader(request)
    form = RightForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            rights_services.right_add(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Added to the map; the change is kept in its history."))
            return redirect("decisions:rights")
    return _page(request, form, status=400)


@login_required
@require_POST
def right_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    require_district_leader(request)
    right = get_object_or_404(DecisionRight.objects.visible_to(request.user), pk=pk)
    rights_services.right_remove(right=right, by=request.user)
    messages.success(request, _("Removed from the map; the change is kept in its history."))
    return redirect("decisions:rights")
