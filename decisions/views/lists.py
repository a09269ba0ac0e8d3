"""Lists of decisions: all, affects me, flagged, exports, public, rights."""

from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from districts.bounds import query_text
from districts.models import District
from districts.web import HtmxHttpRequest, counted_page, csv_response, cursor_page, render_page

from .. import selectors
from ..forms import FilterForm
from ..guide import HOW
from ..integrity import LABELS
from ..models import Decision, DecisionPrinciple
from ..versions import shown, versions_for_reader
from .common import _flag_labels, decision_for_user

# ----- lists


@login_required
def decision_list(request: HtmxHttpRequest) -> HttpResponse:
    query_text(request, "q")  # 400 for a search no person types (a NUL, a page of text)
    form = FilterForm(request.GET or None, user=request.user)
    decisions = form.apply(
        selectors.with_list_relations(Decision.objects.visible_to(request.user)).order_by(
            "-created_at", "-pk"
        )
    )
    page = cursor_page(request, [decisions])
    _flag_labels(page.object_list)
    return render_page(
        request,
        "decisions/decision_list.html",
        {"form": form, "page": page, "export_query": request.GET.urlencode()},
        partial="results",
    )


@login_required
def affects_me(request: HtmxHttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None, user=request.user, fields=["status", "school", "team"])
    status = form.cleaned_data.get("status") if form.is_valid() else None
    chain = [form.apply(stage) for stage in selectors.affects_me(request.user, status)]
    page = cursor_page(request, chain)
    selectors.mark_responded(request.user, page.object_list)
    context = {"form": form, "page": page}
    return render_page(request, "decisions/affects_me.html", context, partial="results")


@login_required
def flagged_list(request: HtmxHttpRequest) -> HttpResponse:
    page = counted_page(selectors.flagged(request.user), request.GET.get("page"))
    _flag_labels(page.object_list)
    return render(request, "decisions/flagged.html", {"page": page})


@login_required
def export_csv(request: HtmxHttpRequest) -> HttpResponse:
    query_text(request, "q")
    form = FilterForm(request.GET or None, user=request.user)
    decisions = form.apply(
        selectors.with_list_relations(
            Decision.objects.visible_to(request.user, whole_district=True)
        )
        .annotate(input_count=Count("inputs"))
        .order_by("number")
    )
    header = [
        "number",
        "title",
        "status",
        "domain",
        "school",
        "team",
        "visibility",
        "input closes",
        "decided on",
        "outcome",
        "rationale",
        "input given",
        "flags",
    ]
    rows = (
        [
            d.number,
            d.title,
            d.get_current_status_display(),
            d.get_domain_display(),
            d.school or "District",
            d.owning_team or "",
            d.get_visibility_display(),
            d.input_closes.date() if d.input_closes else "",
            d.decided_at.date() if d.decided_at else "",
            d.outcome,
            d.rationale,
            d.input_count,
            "; ".join(str(LABELS.get(c, c)) for c in d.flag_codes),
        ]
        for d in decisions.iterator(chunk_size=500)
    )
    return csv_response("decisions.csv", header, rows)


@login_required
def input_csv(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    header = ["kind", "input", "from", "given on", "changed the decision", "response"]
    rows = (
        [
            entry.get_kind_display(),
            entry.text,
            entry.author_label,
            entry.given_on,
            "yes" if entry.changed_decision else "",
            entry.response,
        ]
        for entry in decision.inputs.select_related("author").in_reading_order()
    )
    return csv_response(f"{decision.number}-input.csv", header, rows)


def public_list(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """No sign-in: a district's public decisions and what they decided."""
    district = get_object_or_404(District, slug=slug)
    decisions = (
        Decision.objects.filter(district=district)
        .public()
        .select_related("school")
        .order_by("-decided_at", "-created_at", "-pk")
    )
    page = counted_page(decisions, request.GET.get("page"))
    versions = versions_for_reader(list(page))
    for decision in page:
        decision.shown = shown(decision, versions.get(decision.pk))
    # Visitors are not signed in: show the times of the district whose page this is.
    with timezone.override(ZoneInfo(district.timezone)):
        return render(request, "decisions/public.html", {"district": district, "page": page})


@login_required
def my_input(request: HtmxHttpRequest) -> HttpResponse:
    """What I said and what the deciders answered, anonymous input included (see the selector)."""
    entries = list(selectors.my_input(request.user)[:200])
    return render(request, "decisions/my_input.html", {"entries": entries})


def public_detail(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """No sign-in: one public decision (context, process, outcome, rationale, principles,
    reflection). Anything not public is a 404, like a decision that does not exist."""
    district = get_object_or_404(District, slug=slug)
    decision = get_object_or_404(
        Decision.objects.filter(district=district)
        .public()
        .select_related("school", "owning_team", "decider")
        .prefetch_related(
            Prefetch("tested", queryset=DecisionPrinciple.objects.select_related("principle")),
            "reflections",
        ),
        pk=pk,
    )
    words = shown(decision, versions_for_reader([decision]).get(decision.pk))
    with timezone.override(ZoneInfo(district.timezone)):
        return render(
            request,
            "decisions/public_detail.html",
            {
                "district": district,
                "decision": decision,
                "shown": words,
                "how": HOW[decision.process_type],
            },
        )
