"""The guided form that creates and edits a decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from districts.web import HtmxHttpRequest, render_page

from .. import selectors, services
from ..forms import STEPS, DecisionForm
from ..models import Domain
from .common import decision_for_user, require_person

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
        "steps": [(i, title) for i, (title, _fields) in enumerate(STEPS)],
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
        raise PermissionDenied(_("Staff start decision records."))
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
                request,
                _("%(number)s is saved as a draft. Open it for input when ready.")
                % {"number": decision.number},
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
    require_person(request.user, decision, "edit")
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
            messages.success(request, _("Saved. Changes after the draft are kept in the history."))
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = decision.get_absolute_url()
                return response
            return redirect(decision)
    return _guided(request, form, form.first_step_with_errors() or 0, decision)
