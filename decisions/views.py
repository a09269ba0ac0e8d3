import csv
import functools
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Window
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from districts.access import visible_or_404
from districts.bounds import query_text
from districts.models import District, Theme
from districts.web import HtmxHttpRequest, counted_page, cursor_page, render_page

from . import selectors, services
from .forms import (
    STEPS,
    DecideForm,
    DecisionForm,
    FilterForm,
    InputForm,
    OpenInputForm,
    PrincipleTestForm,
    ReflectionForm,
    RespondForm,
    StakeholderForm,
    SupersedeForm,
    WithdrawForm,
    picker_choices,
)
from .integrity import LABELS, integrity_flags
from .models import (
    Decision,
    DecisionEvent,
    DecisionPrinciple,
    DecisionRight,
    Domain,
    Input,
    Involvement,
    Reflection,
    Stakeholder,
    anonymous_key,
    can_decide,
    can_edit,
    may_give_input,
)


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


def _flag_labels(decisions):
    for decision in decisions:
        decision.flag_labels = [LABELS.get(code, code) for code in decision.flag_codes]
    return decisions


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
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="decisions.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
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
    )
    for d in decisions.iterator(chunk_size=500):
        writer.writerow(
            [
                d.number,
                d.title,
                d.get_status_display(),
                d.get_domain_display(),
                d.school or "District",
                d.owning_team or "",
                d.get_visibility_display(),
                d.input_closes.date() if d.input_closes else "",
                d.decided_at.date() if d.decided_at else "",
                d.outcome,
                d.rationale,
                d.input_count,
                "; ".join(LABELS.get(c, c) for c in d.flag_codes),
            ]
        )
    return response


@login_required
def input_csv(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{decision.number}-input.csv"'
    writer = csv.writer(response)
    writer.writerow(["kind", "input", "from", "given on", "changed the decision", "response"])
    for entry in decision.inputs.select_related("author").in_reading_order():
        writer.writerow(
            [
                entry.get_kind_display(),
                entry.text,
                entry.author_label,
                entry.given_on,
                "yes" if entry.changed_decision else "",
                entry.response,
            ]
        )
    return response


@login_required
def rights_map(request: HtmxHttpRequest) -> HttpResponse:
    rights = DecisionRight.objects.visible_to(request.user).select_related("team")
    by_domain: dict[str, list] = {}
    for right in rights:
        by_domain.setdefault(right.get_domain_display(), []).append(right)
    return render(
        request,
        "decisions/rights.html",
        {"by_domain": sorted(by_domain.items()), "domains": Domain.choices},
    )


def public_list(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """No sign-in: a district's public decisions and what they decided."""
    district = get_object_or_404(District, slug=slug)
    decisions = (
        Decision.objects.filter(district=district)
        .public()
        .select_related("school")
        .order_by("-decided_at", "-created_at", "-pk")
    )
    # Visitors are not signed in: show the times of the district whose page this is.
    with timezone.override(ZoneInfo(district.timezone)):
        return render(
            request,
            "decisions/public.html",
            {"district": district, "page": counted_page(decisions, request.GET.get("page"))},
        )


# ----- one decision


INPUT_PAGE_SIZE = 25


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), 100_000)
    except ValueError:
        return 1


def _input_page(decision: Decision, number: int) -> dict:
    """One page of a decision's input, newest day first, with how many there are in all."""
    start = (number - 1) * INPUT_PAGE_SIZE
    inputs = list(
        # The district too, so the (district, decision, kind) index finds the rows.
        decision.inputs.filter(district_id=decision.district_id)
        .select_related("author")
        .prefetch_related("themes")
        # Counted in the same query: the window runs before the page is cut.
        .annotate(total=Window(Count("pk")))
        .newest_first()[start : start + INPUT_PAGE_SIZE]
    )
    total = inputs[0].total if inputs else 0
    shown = start + len(inputs)
    return {
        "inputs": inputs,
        "input_total": total,
        "input_number": number,
        "input_first_shown": start + 1,
        "input_last_shown": shown,
        "input_next": number + 1 if shown < total else None,
        "input_left": max(total - shown, 0),
    }


def _input_context(
    request, decision: Decision, form=None, theme_choices=None, page: int = 1
) -> dict:
    user = request.user
    may_give = decision.window_is_open and may_give_input(user, decision)
    gave_anonymous = getattr(decision, "gave_anonymous", None)
    if may_give and gave_anonymous is None:
        gave_anonymous = services.has_given_anonymous(decision, user)
    shown = _input_page(decision, page)
    if page > 1 and not shown["inputs"]:  # past the end (an old link): the newest instead
        shown = _input_page(decision, 1)
    return {
        "decision": decision,
        **shown,
        "input_form": (
            form or InputForm(themes=Theme.objects.visible_to(user), theme_choices=theme_choices)
            if may_give
            else None
        ),
        "gave_anonymous": may_give and gave_anonymous,
        "input_refused": form.non_field_errors() if form is not None and not may_give else None,
        "may_decide": can_decide(user, decision),
    }


@login_required
def input_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The next page of input, for "Show more": the same rows and rules as the decision page."""
    decision = decision_for_user(request, pk, Decision.objects.with_access(request.user))
    context = {
        "decision": decision,
        **_input_page(decision, _page_number(request.GET.get("page"))),
        "may_decide": can_decide(request.user, decision),
    }
    return render(request, "decisions/input_items.html", context)


@login_required
def decision_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(
        request,
        pk,
        Decision.objects.select_related(
            "school", "owning_team", "district", "decided_by", "superseded_by"
        )
        .with_access(request.user)
        .annotate(
            # Rarely true: a query for the older decisions only when there are some.
            has_older=Exists(Decision.objects.filter(superseded_by=OuterRef("pk"))),
            gave_anonymous=Exists(
                Input.objects.filter(
                    decision=OuterRef("pk"), anonymous_key=anonymous_key(pk, request.user.pk)
                )
            ),
        )
        .prefetch_related(
            Prefetch(
                "stakeholders",
                queryset=Stakeholder.objects.select_related("person", "team", "school"),
            ),
            Prefetch("tested", queryset=DecisionPrinciple.objects.select_related("principle")),
            Prefetch("reflections", queryset=Reflection.objects.select_related("author")),
            Prefetch("events", queryset=DecisionEvent.objects.select_related("actor")),
        ),
    )
    return _render_detail(request, decision)


_EDITOR_PICKERS = ["team", "school", "person", "principle"]


def _render_detail(request: HtmxHttpRequest, decision: Decision) -> HttpResponse:
    user = request.user
    supersedes = (
        Decision.objects.visible_to(user).filter(superseded_by=decision)
        if decision.has_older
        else Decision.objects.none()
    )
    may_edit = can_edit(user, decision)
    # The pickers this person will see (themes to tag input, the team's own forms), one query.
    kinds = [
        *(["theme"] if decision.window_is_open else []),
        *(_EDITOR_PICKERS if may_edit else []),
    ]
    choices = picker_choices(user, *kinds) if kinds else {}
    context = _input_context(
        request,
        decision,
        theme_choices=choices.get("theme"),
        page=_page_number(request.GET.get("input")),
    )
    may_decide = context["may_decide"]
    context.update(
        {
            "flags": integrity_flags(decision),
            "may_edit": may_edit,
            "supersedes": supersedes,
            # Rare, so asked only then: a second copy of the visibility rules in the page's
            # own query costs every page more to plan than this costs the few that need it.
            "superseded_by_visible": decision.superseded_by_id is not None
            and Decision.objects.visible_to(user).filter(pk=decision.superseded_by_id).exists(),
            # Only the forms this person is shown.
            "stakeholder_form": StakeholderForm(user=user, choices=choices) if may_edit else None,
            "principle_form": PrincipleTestForm(user=user, choices=choices) if may_edit else None,
            "supersede_form": SupersedeForm() if may_decide and decision.is_decided else None,
        }
    )
    return render(request, "decisions/decision_detail.html", context)


@login_required
@require_POST
def input_give(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(
        request,
        pk,
        Decision.objects.select_related("school", "owning_team", "district").with_access(
            request.user
        ),
    )
    themes = Theme.objects.visible_to(request.user)
    form = InputForm(request.POST, themes=themes)
    if form.is_valid():
        try:
            services.input_give(
                decision=decision,
                by=request.user,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                anonymous=form.cleaned_data["anonymous"],
                themes=form.cleaned_data.get("themes", ()),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not request.htmx:
                messages.success(request, "Thank you: your input is with the deciders.")
                return redirect(decision)
            form = None
            context = _input_context(request, decision)
            context["thanks"] = True
            return render(request, "decisions/decision_detail.html#input", context)
    context = _input_context(request, decision, form)
    if request.htmx:
        return render(request, "decisions/decision_detail.html#input", context)
    return render(request, "decisions/input_form.html", context)


@login_required
@require_POST
def input_respond(request: HtmxHttpRequest, pk: int, input_pk) -> HttpResponse:
    decision = decision_for_user(request, pk)
    if not can_decide(request.user, decision):
        raise PermissionDenied("Only the people deciding answer input.")
    entry = get_object_or_404(Input, pk=input_pk, decision=decision)
    form = RespondForm(request.POST)
    if form.is_valid():
        services.input_respond(entry=entry, by=request.user, **form.cleaned_data)
        messages.success(request, "Your answer is shown with the input.")
    return redirect(f"{decision.get_absolute_url()}#input")


@login_required
@require_POST
def transition(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One button per lifecycle step; refusals come back as a message, not an error page."""
    decision = decision_for_user(request, pk)
    action = request.POST.get("action", "")
    user = request.user
    if action in services.MOVES:
        allowed = can_decide(user, decision) or can_edit(user, decision)
    else:
        allowed = False
    if not allowed:
        raise PermissionDenied("Only the owning team or the deciders move a decision on.")
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
            request, f"{decision.number} is now {decision.get_status_display().lower()}."
        )
    return redirect(decision)


def _action_page(
    request: HtmxHttpRequest,
    decision: Decision,
    form,
    save,
    *,
    success: str,
    heading: str,
    button: str,
) -> HttpResponse:
    """Run one step of a decision's process: save when valid, else explain and keep what was typed."""
    if form.is_valid():
        try:
            save(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect(decision)
    return render(
        request,
        "decisions/action_form.html",
        {"decision": decision, "form": form, "heading": heading, "button": button},
    )


@login_required
@require_http_methods(["GET", "POST"])
def open_input(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    if not can_edit(request.user, decision):
        raise PermissionDenied("Only the owning team opens a decision for input.")
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

    return _action_page(
        request,
        decision,
        form,
        save,
        success="Input is open: the stakeholders have been told.",
        heading="Open for input",
        button="Open for input",
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    if not can_decide(request.user, decision):
        raise PermissionDenied("Only the owning team or the named deciders record the decision.")
    form = DecideForm(
        request.POST or None,
        initial={"outcome": decision.outcome, "rationale": decision.rationale},
    )
    return _action_page(
        request,
        decision,
        form,
        functools.partial(services.decision_decide, decision=decision, by=request.user),
        success="Decided. Everyone involved has been told.",
        heading="Record the decision",
        button="Record the decision",
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
        raise PermissionDenied("The deciders and the affected people reflect on a decision.")
    return _action_page(
        request,
        decision,
        ReflectionForm(request.POST or None),
        functools.partial(services.reflection_add, decision=decision, by=request.user),
        success="Thank you for the reflection.",
        heading="Reflect on the decision",
        button="Save the reflection",
    )


def _me(user):
    from .models import matches_person

    return matches_person(user)


@login_required
@require_POST
def stakeholder_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    if not can_edit(request.user, decision):
        raise PermissionDenied("Only the owning team changes who is involved.")
    form = StakeholderForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.stakeholder_add(decision=decision, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Added.")
    else:
        messages.error(request, "Choose who and how they are involved.")
    return redirect(f"{decision.get_absolute_url()}#stakeholders")


@login_required
@require_POST
def stakeholder_remove(request: HtmxHttpRequest, pk: int, stakeholder_pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    if not can_edit(request.user, decision):
        raise PermissionDenied("Only the owning team changes who is involved.")
    stakeholder = get_object_or_404(Stakeholder, pk=stakeholder_pk, decision=decision)
    services.stakeholder_remove(stakeholder=stakeholder, by=request.user)
    return redirect(f"{decision.get_absolute_url()}#stakeholders")


@login_required
@require_POST
def principle_test(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    if not can_edit(request.user, decision):
        raise PermissionDenied("Only the owning team tests the decision against principles.")
    form = PrincipleTestForm(request.POST, user=request.user)
    if form.is_valid():
        services.principle_test(decision=decision, by=request.user, **form.cleaned_data)
    else:
        messages.error(request, "Choose a principle and write how the decision holds up.")
    return redirect(f"{decision.get_absolute_url()}#principles")


@login_required
@require_POST
def supersede(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    if not can_decide(request.user, decision):
        raise PermissionDenied("Only the deciders supersede a decision.")
    form = SupersedeForm(request.POST)
    newer = None
    if form.is_valid():
        newer = (
            Decision.objects.visible_to(request.user)
            .filter(number__iexact=form.cleaned_data["newer"].strip())
            .first()
        )
    if newer is None:
        messages.error(request, "No decision you can see has that number.")
    else:
        try:
            services.decision_supersede(decision=decision, newer=newer, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Superseded by {newer.number}.")
    return redirect(decision)


# ----- the guided form


def _step(request) -> int:
    try:
        return min(
            max(int(request.POST.get("goto", request.GET.get("step", 0))), 0), len(STEPS) - 1
        )
    except (TypeError, ValueError):
        return 0


def _suggestions(request, form: DecisionForm):
    data = form.data if form.is_bound else {}
    user = request.user
    school = team = None
    try:
        if data.get("school"):
            school = (
                selectors.School.objects.visible_to(user).filter(pk=int(data["school"])).first()
            )
        if data.get("owning_team"):
            team = (
                selectors.LeadershipTeam.objects.visible_to(user)
                .filter(pk=int(data["owning_team"]))
                .first()
            )
    except (TypeError, ValueError):
        pass
    return selectors.suggest_stakeholders(
        user=user, domain=data.get("domain") or Domain.OTHER, school=school, team=team
    )


def _carried(form: DecisionForm, request, instance=None) -> DecisionForm:
    """The same answers in an unbound form, so moving between steps shows no errors yet."""
    initial = {
        name: request.POST.getlist(name) if name == "suggested" else request.POST.get(name)
        for name in form.fields
        if name in request.POST
    }
    carried = DecisionForm(
        initial=initial,
        user=request.user,
        suggestions=form.fields.get("suggested", None) and form.fields["suggested"].choices or (),
        instance=instance,
    )
    return carried


def _guided(request, form, step, decision=None, status=200):
    context = {
        "form": form,
        "step": step,
        "steps": [(i, title) for i, (title, _) in enumerate(STEPS)],
        "step_title": STEPS[step][0],
        "visible": form.step_fields(step),
        "decision": decision,
        "last": step == len(STEPS) - 1 or (decision is not None and step == len(STEPS) - 2),
    }
    return render_page(
        request, "decisions/decision_form.html", context, partial="wizard", status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HtmxHttpRequest) -> HttpResponse:
    """A guided form in steps; every step posts everything typed so far, so nothing is lost."""
    user = request.user
    if not user.is_staff_member:
        raise PermissionDenied("Staff start decision records.")
    step = _step(request)
    if request.method == "GET":
        form = DecisionForm(user=user, suggestions=[])
        form.fields["suggested"].choices = _suggestions(request, form)
        return _guided(request, form, step)
    probe = DecisionForm(request.POST, user=user, suggestions=[])
    form = DecisionForm(request.POST, user=user, suggestions=_suggestions(request, probe))
    if "save" not in request.POST:
        # Moving between steps: show the next step; errors wait until saving.
        return _guided(request, _carried(form, request), step)
    if form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("suggested", [])
        stakeholders = [s for s in (selectors.parse_suggestion(v, user) for v in chosen) if s]
        try:
            decision = services.decision_create(
                district=user.district, by=user, stakeholders=stakeholders, **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{decision.number} is saved as a draft. Open it for input when ready."
            )
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = decision.get_absolute_url()
                return response
            return redirect(decision)
    return _guided(request, form, form.first_step_with_errors() or 0)


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request, pk)
    if not can_edit(request.user, decision):
        raise PermissionDenied("Only the owning team edits a decision before it is decided.")
    step = _step(request)
    if request.method == "GET":
        return _guided(request, DecisionForm(instance=decision, user=request.user), step, decision)
    form = DecisionForm(request.POST, instance=decision, user=request.user)
    if "save" not in request.POST:
        return _guided(request, _carried(form, request, instance=decision), step, decision)
    if form.is_valid():
        try:
            services.decision_update(decision=decision, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            decision.refresh_from_db()
            form.add_error(None, error)
        else:
            messages.success(request, "Saved. Changes after the draft are kept in the history.")
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = decision.get_absolute_url()
                return response
            return redirect(decision)
    return _guided(request, form, form.first_step_with_errors() or 0, decision)
