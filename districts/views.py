from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from . import pickers, services
from .access import visible_or_404
from .bounds import query_id, query_text
from .forms import CodeOfCooperationForm, PeopleFilterForm, PrincipleForm, RevisionForm
from .languages import offered_code
from .models import (
    STAFF_ROLES,
    AuditEntry,
    CodeOfCooperation,
    CodeOfCooperationRevision,
    GuidingPrinciple,
    GuidingPrincipleRevision,
    LeadershipTeam,
    Role,
    School,
    SharedPurpose,
    SharedPurposeRevision,
    TeamMembership,
    User,
    can_edit_code,
    can_revise_purpose,
    memberships_of,
)
from .web import HtmxHttpRequest, counted_page, cursor_page, render_page

# How many of each role a school has, as a phrase: each language plurals its own way.
ROLE_COUNTS = {
    Role.SUPERINTENDENT: ngettext_lazy(
        "%(count)d superintendent", "%(count)d superintendents", "count"
    ),
    Role.DISTRICT_LEADER: ngettext_lazy(
        "%(count)d district leader", "%(count)d district leaders", "count"
    ),
    Role.PRINCIPAL: ngettext_lazy("%(count)d principal", "%(count)d principals", "count"),
    Role.TEACHER_LEADER: ngettext_lazy(
        "%(count)d teacher leader", "%(count)d teacher leaders", "count"
    ),
    Role.TEACHER: ngettext_lazy("%(count)d teacher", "%(count)d teachers", "count"),
    Role.STAFF: ngettext_lazy("%(count)d staff member", "%(count)d staff members", "count"),
    Role.STUDENT: ngettext_lazy("%(count)d student", "%(count)d students", "count"),
    Role.FAMILY: ngettext_lazy("%(count)d family member", "%(count)d family members", "count"),
    Role.COMMUNITY: ngettext_lazy(
        "%(count)d community member", "%(count)d community members", "count"
    ),
    Role.BOARD_MEMBER: ngettext_lazy("%(count)d board member", "%(count)d board members", "count"),
}


def revision_history(revisions):
    return revisions.select_related("recorded_by").prefetch_related("participants")


@login_required
def school_list(request: HtmxHttpRequest) -> HttpResponse:
    query = query_text(request, "q")
    schools = (
        School.objects.visible_to(request.user)
        .annotate(people_count=Count("people"))
        .order_by("name", "pk")
    )
    if query:
        schools = schools.filter(name__icontains=query)
    return render_page(
        request,
        "districts/school_list.html",
        {"page": counted_page(schools, request.GET.get("page")), "query": query},
        partial="results",
    )


@login_required
def school_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    school = visible_or_404(request, School.objects, pk=pk)
    people = User.objects.visible_to(request.user).filter(schools=school)
    leaders = people.filter(role__in=[Role.PRINCIPAL, Role.TEACHER_LEADER]).order_by("role", "name")
    counts = dict(people.values_list("role").annotate(n=Count("pk")).values_list("role", "n"))
    teams = LeadershipTeam.objects.visible_to(request.user).filter(school=school)
    purpose = (
        SharedPurpose.objects.filter(school=school)
        .prefetch_related(Prefetch("revisions", to_attr="prefetched_revisions"))
        .first()
    )
    return render(
        request,
        "districts/school_detail.html",
        {
            "school": school,
            "leaders": leaders,
            "role_counts": [
                ROLE_COUNTS[role] % {"count": counts[role]}
                for role in Role.values
                if role in counts
            ],
            "teams": teams,
            "purpose": purpose,
        },
    )


@login_required
def people_list(request: HtmxHttpRequest) -> HttpResponse:
    schools = School.objects.visible_to(request.user)
    roles = (
        Role.choices
        if request.user.is_staff_member
        else [(value, label) for value, label in Role.choices if value in STAFF_ROLES]
    )
    query_text(request, "q")  # 400 for text nobody types; the form explains the rest
    form = PeopleFilterForm(request.GET or None, roles=roles, schools=schools)
    people = User.objects.visible_to(request.user).prefetch_related(
        Prefetch("schools", queryset=School.objects.only("id", "name"))
    )
    if form.is_valid():
        people = people.search(form.cleaned_data["q"])
        if form.cleaned_data["role"]:
            people = people.filter(role=form.cleaned_data["role"])
        if form.cleaned_data["school"]:
            people = people.filter(schools=form.cleaned_data["school"])
    return render_page(
        request,
        "districts/people_list.html",
        {
            "form": form,
            "page": counted_page(people, request.GET.get("page")),
            "show_email": request.user.is_staff_member,
        },
        partial="results",
    )


@login_required
def person_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = visible_or_404(request, User.objects.prefetch_related("schools"), pk=pk)
    memberships = (
        TeamMembership.objects.filter(user=person, team__district=request.user.district_id)
        .select_related("team")
        .order_by("left_on", "team__name")
    )
    return render(
        request,
        "districts/person_detail.html",
        {"person": person, "memberships": memberships, "show_email": request.user.is_staff_member},
    )


@login_required
def team_list(request: HtmxHttpRequest) -> HttpResponse:
    query = query_text(request, "q")
    teams = (
        LeadershipTeam.objects.visible_to(request.user)
        .select_related("school")
        .annotate(member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("name", "pk")
    )
    if query:
        teams = teams.filter(Q(name__icontains=query) | Q(purpose__icontains=query))
    mine = set(memberships_of(request.user).team_ids)
    return render_page(
        request,
        "districts/team_list.html",
        {"page": counted_page(teams, request.GET.get("page")), "query": query, "mine": mine},
        partial="results",
    )


@login_required
def team_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = visible_or_404(request, LeadershipTeam.objects.select_related("school"), pk=pk)
    memberships = team.memberships.select_related("user").order_by(
        "left_on", "team_role", "user__name"
    )
    current = [m for m in memberships if m.left_on is None]
    return render(
        request,
        "districts/team_detail.html",
        {
            "team": team,
            "current": current,
            "former": [m for m in memberships if m.left_on is not None],
            "has_steward": any(
                m.team_role == TeamMembership.TeamRole.INTEGRITY_STEWARD for m in current
            ),
        },
    )


def participants_for(request: HtmxHttpRequest, school: School | None):
    """Who can be named as taking part: the school's people, or the district's staff."""
    people = User.objects.visible_to(request.user)
    if school is not None:
        return people.filter(schools=school)
    return people.filter(role__in=STAFF_ROLES)


def next_revision_form(request: HtmxHttpRequest, document, school: School | None) -> RevisionForm:
    """The form for a document's next wording, starting from the current one."""
    latest = document.current_revision() if document else None
    return RevisionForm(
        request.POST or None,
        initial={"adopted_on": timezone.localdate(), "text": latest.text if latest else ""},
        people=participants_for(request, school),
        school=school,
    )


def principles_for(district_id: int, school: School | None):
    """The district's principles, with a school's variations standing in for the ones they vary."""
    revisions = Prefetch("revisions", to_attr="prefetched_revisions")
    active = GuidingPrinciple.objects.filter(district_id=district_id, retired_on__isnull=True)
    district_wide = list(active.filter(school__isnull=True).prefetch_related(revisions))
    if school is None:
        return district_wide
    at_school = list(active.filter(school=school).prefetch_related(revisions))
    variations = {p.varies_id: p for p in at_school if p.varies_id}
    merged = [variations.get(p.pk, p) for p in district_wide]
    return merged + [p for p in at_school if not p.varies_id]


@login_required
def purpose(request: HtmxHttpRequest, school_pk: int | None = None) -> HttpResponse:
    school = visible_or_404(request, School.objects, pk=school_pk) if school_pk else None
    revisions = Prefetch("revisions", queryset=revision_history(SharedPurposeRevision.objects))
    purposes = SharedPurpose.objects.visible_to(request.user).prefetch_related(revisions)
    district_purpose = purposes.filter(school__isnull=True).first()
    school_purpose = purposes.filter(school=school).first() if school else None
    variations = (
        School.objects.visible_to(request.user).filter(purpose__isnull=False)
        if school is None
        else None
    )
    return render(
        request,
        "districts/purpose.html",
        {
            "school": school,
            "district_purpose": district_purpose,
            "school_purpose": school_purpose,
            "principles": principles_for(request.user.district_id, school),
            "schools_with_variations": variations,
            "can_revise": can_revise_purpose(request.user, school),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def purpose_revise(request: HtmxHttpRequest, school_pk: int | None = None) -> HttpResponse:
    school = visible_or_404(request, School.objects, pk=school_pk) if school_pk else None
    if not can_revise_purpose(request.user, school):
        raise PermissionDenied(
            _("Only district leaders, or the school's principal, revise the shared purpose.")
        )
    current = SharedPurpose.objects.visible_to(request.user).filter(school=school).first()
    form = next_revision_form(request, current, school)
    if form.is_valid():
        services.purpose_revise(
            district=request.user.district, school=school, by=request.user, **form.cleaned_data
        )
        messages.success(
            request, _("The new wording is adopted; the earlier one stays in the history.")
        )
        return (
            redirect("districts:school_purpose", school.pk)
            if school
            else redirect("districts:purpose")
        )
    return render(request, "districts/purpose_revise.html", {"form": form, "school": school})


@login_required
@require_http_methods(["GET", "POST"])
def principle_create(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    if user.is_district_leader:
        schools = School.objects.visible_to(user)
    elif user.role == Role.PRINCIPAL:
        schools = user.schools.all()
    else:
        raise PermissionDenied(_("District leaders and principals add guiding principles."))
    form = PrincipleForm(
        request.POST or None,
        initial={"adopted_on": timezone.localdate()},
        district=user.district,
        people=participants_for(request, None),
        schools=schools,
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        if data["school"] is None and not user.is_district_leader:
            form.add_error(
                "school", _("Principals add principles for their own school: choose it.")
            )
        else:
            try:
                principle = services.principle_create(district=user.district, by=user, **data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("“%(title)s” is now a guiding principle.") % {"title": principle.title},
                )
                return redirect("districts:principle", principle.pk)
    return render(request, "districts/principle_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def principle_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    principle = visible_or_404(
        request,
        GuidingPrinciple.objects.select_related("school", "varies").prefetch_related(
            Prefetch("revisions", queryset=revision_history(GuidingPrincipleRevision.objects))
        ),
        pk=pk,
    )
    can_revise = can_revise_purpose(request.user, principle.school)
    form = None
    if can_revise:
        form = next_revision_form(request, principle, principle.school)
        if request.method == "POST" and form.is_valid():
            services.revision_add(document=principle, by=request.user, **form.cleaned_data)
            messages.success(
                request, _("The new wording is adopted; the earlier one stays in the history.")
            )
            return redirect("districts:principle", principle.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("You may read this principle but not revise it."))
    return render(
        request,
        "districts/principle_detail.html",
        {
            "principle": principle,
            "form": form,
            "variations": principle.variations.select_related("school"),
        },
    )


@login_required
def code_list(request: HtmxHttpRequest) -> HttpResponse:
    codes = (
        CodeOfCooperation.objects.visible_to(request.user)
        .select_related("teacher", "school")
        .prefetch_related(Prefetch("revisions", to_attr="prefetched_revisions"))
        .order_by("school__name", "teacher__name", "class_name")
    )
    return render(
        request,
        "districts/code_list.html",
        {
            "page": counted_page(codes, request.GET.get("page")),
            "can_create": request.user.is_teacher,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def code_create(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_teacher:
        raise PermissionDenied(
            _("Codes of cooperation are written by teachers with their classes.")
        )
    form = CodeOfCooperationForm(
        request.POST or None,
        initial={"adopted_on": timezone.localdate()},
        schools=request.user.schools.all(),
    )
    if form.is_valid():
        code = services.code_create(teacher=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Saved the code of cooperation for %(class)s.") % {"class": code.class_name},
        )
        return redirect(code)
    return render(request, "districts/code_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def code_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    code = visible_or_404(
        request,
        CodeOfCooperation.objects.select_related("teacher", "school").prefetch_related(
            Prefetch("revisions", queryset=revision_history(CodeOfCooperationRevision.objects))
        ),
        pk=pk,
    )
    form = None
    if can_edit_code(request.user, code):
        form = next_revision_form(request, code, code.school)
        form.fields["text"].label = _("Our agreement")
        if request.method == "POST" and form.is_valid():
            services.revision_add(document=code, by=request.user, **form.cleaned_data)
            messages.success(request, _("Saved the new version; the earlier ones stay below."))
            return redirect(code)
    elif request.method == "POST":
        raise Http404
    return render(request, "districts/code_detail.html", {"code": code, "form": form})


@login_required
def picker_suggestions(request: HtmxHttpRequest, source: str) -> HttpResponse:
    """What a picker's search box found: more radios (or checkboxes) of the same name.

    Only rows the signed-in person may see; a school id in `school` that they may not see
    finds nobody.
    """
    if source not in pickers.SOURCES:
        raise Http404("No such list.")
    name = request.GET.get("name", "")
    if not pickers.FIELD_NAME.match(name):
        return HttpResponseBadRequest("Which field is this for?")
    found = pickers.SOURCES[source]
    text = query_text(request, f"{name}_find")
    params = {"school": query_id(request, "school")}
    rows, more = pickers.suggestions(found, found.rows(request.user, params), text)
    return HttpResponse(
        pickers.found_html(name, rows, more, text, multiple=request.GET.get("multiple") == "1")
    )


@login_required
def audit_log(request: HtmxHttpRequest) -> HttpResponse:
    """What platform staff changed in the admin for this district, newest first."""
    if not (request.user.is_district_leader or request.user.is_district_admin):
        raise PermissionDenied(_("The admin log is for the district's leaders."))
    entries = AuditEntry.objects.visible_to(request.user).order_by("-at", "-id")
    return render(request, "districts/audit_log.html", {"page": cursor_page(request, [entries])})


@require_POST
def language_choose(request: HtmxHttpRequest) -> HttpResponse:
    """The language switch of every page: a visitor's goes in a cookie, a signed-in person's is
    kept as theirs (e-mails follow it too). Django's set_language checks the address to go back to."""
    if request.user.is_authenticated and offered_code(request.POST.get("language", "")):
        services.person_language_choose(person=request.user, language=request.POST.get("language"))
    return set_language(request)
