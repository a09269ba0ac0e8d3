"""Principles coverage: each guiding principle with the decisions tested against it in a term,
so the district sees which principles it uses and which it neglects."""

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from districts.models import GuidingPrinciple
from districts.web import HtmxHttpRequest

from ..forms import TermForm
from ..models import Decision, DecisionPrinciple

TERM_DAYS = 182
SHOWN_PER_PRINCIPLE = 5


@login_required
def principles_coverage(request: HtmxHttpRequest) -> HttpResponse:
    form = TermForm(request.GET or None)
    since = timezone.localdate() - datetime.timedelta(days=TERM_DAYS)
    if form.is_valid() and form.cleaned_data.get("since"):
        since = form.cleaned_data["since"]
    user = request.user
    visible = Decision.objects.visible_to(user, whole_district=True).filter(
        created_at__date__gte=since
    )
    in_term = Q(decisions__in=visible.values("pk"))
    principles = list(
        GuidingPrinciple.objects.visible_to(user)
        .filter(school__isnull=True, retired_on__isnull=True)
        .annotate(used=Count("decisions", filter=in_term, distinct=True))
        .order_by("position", "title")
    )
    links = (
        DecisionPrinciple.objects.filter(
            principle__in=[p.pk for p in principles], decision__in=visible.values("pk")
        )
        .select_related("decision")
        .order_by("-decision__created_at", "-pk")[
            : SHOWN_PER_PRINCIPLE * max(len(principles), 1) * 4
        ]
    )
    recent: dict[int, list] = {}
    for link in links:
        shown = recent.setdefault(link.principle_id, [])
        if len(shown) < SHOWN_PER_PRINCIPLE:
            shown.append(link.decision)
    for principle in principles:
        principle.recent = recent.get(principle.pk, [])
    return render(
        request,
        "decisions/principles.html",
        {
            "form": form,
            "since": since,
            "used": [p for p in principles if p.used],
            "neglected": [p for p in principles if not p.used],
        },
    )
