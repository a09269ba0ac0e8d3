"""The district administration: people and invitations, schools, teams, breaks, settings and
roster imports.

Every page is for the signed-in person's own district and its administrators only; another
district's rows are not there (404). Every change is kept in the district's audit log with the
old and new values (`districts.audit`).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from districts.audit import HIDDEN_FIELDS, audit, form_changes
from districts.bounds import query_text
from districts.models import (
    STAFF_ROLES,
    AuditEntry,
    LeadershipTeam,
    Role,
    RosterImport,
    School,
    TeamMembership,
    User,
)
from districts.services import people_language_set
from districts.web import HtmxHttpRequest, counted_page, render_page, require_district_admin
from principals.models import SchoolBreak

from . import forms, invitations, roster_uploads, selectors


def admin_page(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        require_district_admin(request)
        return view(request, *args, **kwargs)

    return wrapper


def saved(request, form, what: str):
    """Save a valid form's row, keep the change in the audit log, and say so."""
    adding = form.instance._state.adding
    with transaction.atomic():
        obj = form.save()
        changes = form_changes(form, add=adding, hidden=HIDDEN_FIELDS)
        if adding or changes:
            action = AuditEntry.Action.ADD if adding else AuditEntry.Action.CHANGE
            audit(request, obj, action, "\n".join(changes))
    if adding:
        messages.success(request, _("Added %(what)s “%(name)s”.") % {"what": what, "name": obj})
    elif changes:
        messages.success(request, _("Saved the changes to “%(name)s”.") % {"name": obj})
    else:
        messages.info(request, _("Nothing changed."))
    return obj


def deleted(request, obj, what: str):
    with transaction.atomic():
        audit(request, obj, AuditEntry.Action.DELETE)
        obj.delete()
    messages.success(request, _("Removed %(what)s “%(name)s”.") % {"what": what, "name": obj})


def own(model, request, pk, **lookups):
    """A row of the administrator's district, or 404."""
    return get_object_or_404(model, pk=pk, district_id=request.user.district_id, **lookups)


@admin_page
def index(request: HtmxHttpRequest) -> HttpResponse:
    return render_page(request, "administration/index.html", {})


# People and invitations


@admin_page
def people(request: HtmxHttpRequest) -> HttpResponse:
    district = request.user.district
    query = query_text(request, "q")
    status = request.GET.get("status", "")
    status = status if status in selectors.STATUSES else ""
    found = selectors.with_invitations(
        User.objects.filter(district=district).prefetch_related(
            Prefetch("schools", queryset=School.objects.only("id", "name"))
        )
    ).search(query)
    found = selectors.filter_status(found, status).order_by("name", "pk")
    page = counted_page(found, request.GET.get("page"))
    for person in page:
        person.status = selectors.STATUSES[selectors.status_of(person)]
    return render_page(
        request,
        "administration/people.html",
        {
            "page": page,
            "query": query,
            "status": status,
            "statuses": selectors.STATUSES,
            "invite_form": forms.BulkInviteForm(district=district),
            "language_form": forms.LanguageForm(district=district, auto_id="language_%s"),
        },
        partial="results",
    )


@admin_page
def person_add(request: HtmxHttpRequest) -> HttpResponse:
    return person_edit(request, None)


@admin_page
def person_edit(request: HtmxHttpRequest, pk: int | None) -> HttpResponse:
    district = request.user.district
    person = own(User, request, pk) if pk is not None else None
    form = forms.PersonForm(
        request.POST or None, instance=person, district=district, editor=request.user
    )
    if request.method == "POST" and form.is_valid():
        person = saved(request, form, _("person"))
        return redirect("administration:person", person.pk)
    status = None
    if person is not None:
        person = selectors.with_invitations(User.objects.filter(pk=person.pk)).get()
        status = selectors.STATUSES[selectors.status_of(person)]
    return render_page(
        request,
        "administration/person.html",
        {"form": form, "person": person, "status": status},
    )


@admin_page
@require_POST
def person_invite(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = own(User, request, pk)
    sent = invitations.invitations_send(people=[person], by=request.user, request=request)
    if sent.invited:
        messages.success(
            request, _("An invitation is on its way to %(email)s.") % {"email": person.email}
        )
    elif person.role in (Role.STUDENT, Role.FAMILY) and person.email and person.is_active:
        messages.error(
            request,
            _("Students and families are not invited: the district settings turn that on."),
        )
    else:
        messages.error(request, _("Only an active person with an e-mail address can be invited."))
    return redirect("administration:person", person.pk)


@admin_page
@require_POST
def person_revoke(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = own(User, request, pk)
    if invitations.invitation_revoke(person=person, request=request):
        messages.success(request, _("The invitation is revoked: its link no longer works."))
    else:
        messages.info(request, _("There was no open invitation to revoke."))
    return redirect("administration:person", person.pk)


@admin_page
@require_POST
def bulk_invite(request: HtmxHttpRequest) -> HttpResponse:
    district = request.user.district
    form = forms.BulkInviteForm(request.POST, district=district)
    if not form.is_valid():
        messages.error(request, _("Choose one of the district's schools, or nobody in particular."))
        return redirect("administration:people")
    people = invitations.invitable(User.objects.filter(district=district), district)
    school = form.cleaned_data["school"]
    if school is not None:
        # The school's staff who have no sign-in yet; an open invitation is not sent again.
        people = selectors.with_invitations(
            people.filter(selectors.NEVER_SIGNED_IN, schools=school, role__in=STAFF_ROLES)
        ).filter(has_open_invitation=False)
    else:
        people = invitations.never_invited(people).exclude(sourced_id="")
    people = list(people.select_related("district"))
    sent = invitations.invitations_send(people=people, by=request.user, request=request)
    messages.success(
        request,
        ngettext("Sent %(count)d invitation.", "Sent %(count)d invitations.", sent.invited)
        % {"count": sent.invited},
    )
    return redirect("administration:people")


@admin_page
@require_POST
def people_language(request: HtmxHttpRequest) -> HttpResponse:
    district = request.user.district
    form = forms.LanguageForm(request.POST, district=district)
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered languages, and a role or school."))
        return redirect("administration:people")
    language = form.cleaned_data["language"]
    with transaction.atomic():
        count = people_language_set(people=form.people(district), language=language)
        if count:
            audit(
                request,
                district,
                AuditEntry.Action.CHANGE,
                f"language: {language} for {count} people who had not chosen one",
            )
    messages.success(
        request,
        ngettext(
            "Set the language of %(count)d person who had not chosen one.",
            "Set the language of %(count)d people who had not chosen one.",
            count,
        )
        % {"count": count},
    )
    return redirect("administration:people")


# Schools


@admin_page
def schools(request: HtmxHttpRequest) -> HttpResponse:
    district = request.user.district
    form = forms.SchoolForm(request.POST or None, instance=School(district=district))
    if request.method == "POST" and form.is_valid():
        saved(request, form, _("school"))
        return redirect("administration:schools")
    rows = School.objects.filter(district=district).order_by("name", "pk")
    return render_page(
        request,
        "administration/schools.html",
        {"page": counted_page(rows, request.GET.get("page")), "form": form},
    )


@admin_page
def school_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    school = own(School, request, pk)
    form = forms.SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        saved(request, form, _("school"))
        return redirect("administration:schools")
    return render_page(
        request, "administration/edit.html", {"form": form, "title": school.name, "back": "schools"}
    )


# Teams and memberships


@admin_page
def teams(request: HtmxHttpRequest) -> HttpResponse:
    district = request.user.district
    form = forms.TeamForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        team = saved(request, form, _("team"))
        return redirect("administration:team", team.pk)
    rows = LeadershipTeam.objects.filter(district=district).select_related("school")
    return render_page(
        request,
        "administration/teams.html",
        {"page": counted_page(rows.order_by("name", "pk"), request.GET.get("page")), "form": form},
    )


@admin_page
def team_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    district = request.user.district
    team = own(LeadershipTeam, request, pk)
    is_member_form = request.POST.get("form") == "member"
    form = forms.TeamForm(
        None if is_member_form else (request.POST or None), instance=team, district=district
    )
    member_form = forms.MembershipForm(
        request.POST if is_member_form else None, team=team, prefix="member"
    )
    if request.method == "POST":
        chosen = member_form if is_member_form else form
        if chosen.is_valid():
            saved(request, chosen, _("team member") if is_member_form else _("team"))
            return redirect("administration:team", team.pk)
    memberships = team.memberships.select_related("user").order_by("left_on", "user__name")
    return render_page(
        request,
        "administration/team.html",
        {"team": team, "form": form, "member_form": member_form, "memberships": memberships},
    )


@admin_page
def membership_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        TeamMembership.objects.select_related("team", "user"),
        pk=pk,
        team__district_id=request.user.district_id,
    )
    if request.method == "POST" and "delete" in request.POST:
        deleted(request, membership, _("team member"))
        return redirect("administration:team", membership.team_id)
    form = forms.MembershipForm(request.POST or None, instance=membership, team=membership.team)
    if request.method == "POST" and form.is_valid():
        saved(request, form, _("team member"))
        return redirect("administration:team", membership.team_id)
    return render_page(
        request,
        "administration/edit.html",
        {"form": form, "title": str(membership), "deletable": True, "team": membership.team},
    )


# School breaks


@admin_page
def breaks(request: HtmxHttpRequest) -> HttpResponse:
    district = request.user.district
    form = forms.SchoolBreakForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        saved(request, form, _("school break"))
        return redirect("administration:breaks")
    rows = SchoolBreak.objects.filter(district=district).order_by("-starts_on", "pk")
    return render_page(
        request,
        "administration/breaks.html",
        {"page": counted_page(rows, request.GET.get("page")), "form": form},
    )


@admin_page
def break_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    school_break = own(SchoolBreak, request, pk)
    if request.method == "POST" and "delete" in request.POST:
        deleted(request, school_break, _("school break"))
        return redirect("administration:breaks")
    form = forms.SchoolBreakForm(
        request.POST or None, instance=school_break, district=request.user.district
    )
    if request.method == "POST" and form.is_valid():
        saved(request, form, _("school break"))
        return redirect("administration:breaks")
    return render_page(
        request,
        "administration/edit.html",
        {"form": form, "title": str(school_break), "deletable": True, "back": "breaks"},
    )


# The district's settings


@admin_page
def district_settings(request: HtmxHttpRequest) -> HttpResponse:
    district = request.user.district
    form = forms.DistrictSettingsForm(request.POST or None, instance=district)
    if request.method == "POST" and form.is_valid():
        saved(request, form, _("district"))
        return redirect("administration:settings")
    return render_page(
        request,
        "administration/edit.html",
        {"form": form, "title": _("District settings"), "back": "index"},
    )


# Roster imports


@admin_page
def roster_imports(request: HtmxHttpRequest) -> HttpResponse:
    district = request.user.district
    form = forms.RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = roster_uploads.roster_upload_save(
            district=district, by=request.user, upload=form.cleaned_data["roster"]
        )
        return redirect("administration:roster_import", job.pk)
    recent = RosterImport.objects.filter(district=district).select_related("uploaded_by")[:20]
    return render_page(
        request,
        "administration/roster_imports.html",
        {"form": form, "imports": recent, "district": district},
        status=400 if form.errors else None,
    )


@admin_page
def roster_import(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = own(RosterImport, request, pk)
    return render_page(request, "administration/roster_import.html", {"job": job}, partial="status")


@admin_page
@require_POST
def roster_import_apply(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = own(RosterImport, request, pk)
    if not roster_uploads.roster_import_apply(job=job, by=request.user):
        messages.info(request, _("This roster is not waiting to be imported."))
    return redirect("administration:roster_import", job.pk)
