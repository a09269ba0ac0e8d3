"""One decision: its page and its input."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    StringAgg,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from districts.models import (
    Memberships,
    Theme,
    current_team_ids,
    joined_ids,
    school_ids,
    split_ids,
)
from districts.web import HtmxHttpRequest, window_page

from .. import services
from ..forms import (
    InputForm,
    PrincipleTestForm,
    ProcessChangeForm,
    RespondForm,
    StakeholderForm,
    SupersedeForm,
    picker_choices,
)
from ..guide import guide_for, responded_line, rights_line, vote_context
from ..integrity import integrity_flags
from ..models import (
    Decision,
    DecisionEvent,
    DecisionPrinciple,
    Input,
    Involvement,
    Reflection,
    Stakeholder,
    Status,
    anonymous_key,
    can_decide,
    can_edit,
    can_write_versions,
    may_give_input,
)
from ..processes import INPUT_RULED_PROCESSES, MOVES, Facts, may_take, steps_for
from ..versions import version_languages
from .common import action_page, decision_for_user, require_person

# ----- one decision


INPUT_PAGE_SIZE = 25


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), 100_000)
    except ValueError:
        return 1


# Between theme names read in one cell: a character no name holds (bounds refuse controls).
THEME_SEPARATOR = "\x1f"


def _theme_names():
    """An input's themes in one text cell, read in the input's own query."""
    return Subquery(
        Input.themes.through.objects.filter(input_id=OuterRef("pk"))
        .order_by()
        .values("input_id")
        .annotate(names=StringAgg("theme__name", Value(THEME_SEPARATOR)))
        .values("names")
    )


def _with_theme_list(inputs: list) -> list:
    for entry in inputs:
        entry.theme_list = (
            sorted((entry.theme_names or "").split(THEME_SEPARATOR)) if entry.theme_names else []
        )
    return inputs


def _input_page(decision: Decision, number: int) -> dict:
    """One page of a decision's input, newest day first, with how many there are in all."""
    page = window_page(
        # The district too, so the (district, decision, kind) index finds the rows.
        decision.inputs.filter(district_id=decision.district_id)
        .select_related("author")
        .annotate(theme_names=_theme_names())
        .newest_first(),
        number,
        INPUT_PAGE_SIZE,
    )
    total = page.paginator.count
    return {
        "inputs": _with_theme_list(page.object_list),
        "input_total": total,
        "input_number": page.number,
        "input_first_shown": page.start_index(),
        "input_last_shown": page.end_index(),
        "input_next": page.number + 1 if page.end_index() < total else None,
        "input_left": total - page.end_index(),
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
    return {
        "decision": decision,
        **shown,
        "input_form": (
            form
            or InputForm(
                themes=Theme.objects.visible_to(user),
                theme_choices=theme_choices,
                process=decision.process_type,
            )
            if may_give
            else None
        ),
        "gave_anonymous": may_give and gave_anonymous,
        "input_refused": form.non_field_errors() if form is not None and not may_give else None,
        "may_decide": can_decide(user, decision),
        "may_answer": may_take(user, decision, "answer_input"),
        "may_give": may_give,
        # To offer its author "Withdraw" on their own anonymous objection; never shown.
        "my_key": anonymous_key(decision.pk, user.pk),
    }


@login_required
def input_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The next page of input, for "Show more": the same rows and rules as the decision page."""
    decision = decision_for_user(request, pk, Decision.objects.with_access(request.user))
    context = {
        "decision": decision,
        **_input_page(decision, _page_number(request.GET.get("page"))),
        "may_decide": can_decide(request.user, decision),
        "may_answer": may_take(request.user, decision, "answer_input"),
        "my_key": anonymous_key(decision.pk, request.user.pk),
    }
    return render(request, "decisions/input_items.html", context)


@login_required
def decision_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(
        request,
        pk,
        Decision.objects.select_related(
            "school", "owning_team", "district", "decided_by", "superseded_by", "decider"
        )
        .with_access(request.user)
        .annotate(
            # Rarely true: a query for the older decisions only when there are some.
            has_older=Exists(Decision.objects.filter(superseded_by=OuterRef("pk"))),
            gave_named=Exists(Input.objects.filter(decision=OuterRef("pk"), author=request.user)),
            gave_anonymous=Exists(
                Input.objects.filter(
                    decision=OuterRef("pk"), anonymous_key=anonymous_key(pk, request.user.pk)
                )
            ),
            # What the process rules read (`Facts`), here rather than in a query of their own.
            standing_objections=_input_count(kind="objection", resolution=""),
            standing_blocks=_input_count(kind="block", resolution=""),
            unanswered=_input_count(response=""),
            # Whether the one who decided held the right asks their teams and schools.
            decider_team_ids=joined_ids(current_team_ids(OuterRef("decided_by_id")), "team_id"),
            decider_school_ids=joined_ids(school_ids(OuterRef("decided_by_id")), "school_id"),
        )
        .prefetch_related(
            Prefetch(
                "stakeholders",
                queryset=Stakeholder.objects.select_related("person", "team", "school"),
            ),
            Prefetch("tested", queryset=DecisionPrinciple.objects.select_related("principle")),
            Prefetch("events", queryset=DecisionEvent.objects.select_related("actor")),
        ),
    )
    if decision.decided_by is not None:
        decision.decided_by._memberships = Memberships.of(
            split_ids(decision.decider_team_ids), split_ids(decision.decider_school_ids)
        )
    if decision.process_type in INPUT_RULED_PROCESSES:
        decision._facts = Facts(
            standing_objections=decision.standing_objections,
            standing_blocks=decision.standing_blocks,
            unanswered=decision.unanswered,
        )
    return _render_detail(request, decision)


def _input_count(**filters):
    counted = (
        Input.objects.filter(decision=OuterRef("pk"), **filters)
        .order_by()
        .values("decision")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


_EDITOR_PICKERS = ["team", "school", "person", "principle"]


def _render_detail(request: HtmxHttpRequest, decision: Decision) -> HttpResponse:
    user = request.user
    supersedes = (
        Decision.objects.visible_to(user).filter(superseded_by=decision)
        if decision.has_older
        else Decision.objects.none()
    )
    # Only a decided decision has reflections: the others skip the query. Read before the
    # flags, which then ask the loaded rows.
    prefetch_related_objects(
        [decision],
        Prefetch(
            "reflections",
            queryset=Reflection.objects.select_related("author")
            if decision.is_decided
            else Reflection.objects.none(),
        ),
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
    steps = steps_for(user, decision)
    guide = guide_for(user, decision, may_decide=may_decide, may_give=context["may_give"])
    vote = vote_context(user, decision, may_give=context["may_give"])
    context.update(
        {
            "guide": guide,
            "rights_line": rights_line(decision),
            "reflections": decision.reflections.all(),
            # Only the person themselves: their own named input, or their own sealed key.
            "waiting": decision.window_is_open
            and guide.role == Involvement.CONSULTED
            and not decision.gave_named
            and not decision.gave_anonymous
            and not vote.get("vote", {}).get("voted"),
            "responded": responded_line(decision)
            if may_decide and decision.current_status in (Status.OPEN_FOR_INPUT, Status.DECIDING)
            else "",
            **vote,
            "process_form": ProcessChangeForm(initial={"process_type": ""})
            if "change_process" in steps
            else None,
            "steps": steps,
            "move_steps": steps.intersection(MOVES),
            "flags": integrity_flags(decision),
            "may_edit": may_edit,
            "version_languages": version_languages() if can_write_versions(user, decision) else [],
            "supersedes": supersedes,
            # Rare, so asked only then: a second copy of the visibility rules in the page's
            # own query costs every page more to plan than this costs the few that need it.
            "superseded_by_visible": decision.superseded_by_id is not None
            and Decision.objects.visible_to(user).filter(pk=decision.superseded_by_id).exists(),
            # Only the forms this person is shown.
            # Their own ids: the input form on the same page has a `kind` field too.
            "stakeholder_form": StakeholderForm(
                user=user, choices=choices, auto_id="stakeholder_%s"
            )
            if may_edit
            else None,
            "principle_form": PrincipleTestForm(user=user, choices=choices, auto_id="principle_%s")
            if may_edit
            else None,
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
    form = InputForm(request.POST, themes=themes, process=decision.process_type)
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
                messages.success(request, _("Thank you: your input is with the deciders."))
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
    require_person(request.user, decision, "answer_input")
    entry = get_object_or_404(Input, pk=input_pk, decision=decision)
    entry.decision = decision
    return action_page(
        request,
        decision,
        RespondForm(request.POST),
        functools.partial(services.input_respond, entry=entry, by=request.user),
        success=_("Your answer is shown with the input."),
        heading=_("Answer the input"),
        button=_("Save the answer"),
        done_url=f"{decision.get_absolute_url()}#input",
    )
