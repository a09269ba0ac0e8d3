"""The privacy page, the retention rules, a person's data, erasure and district deletion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.audit import audit, form_changes
from districts.models import AuditEntry, Role, User
from districts.web import HtmxHttpRequest, render_page, require_district_admin

from . import forms
from .district_data import GRACE_DAYS, deletion_cancel, deletion_pending, deletion_request
from .erasure import may_erase, person_erase
from .exports import district_export_request, latest_export
from .models import DistrictExport, RetentionRules
from .person_data import person_data_zip


@login_required
def privacy_page(request: HtmxHttpRequest) -> HttpResponse:
    """What Roundtable keeps, why, for how long and who sees it, from the district's rules."""
    district = request.user.district
    if district is None:
        return render_page(request, "privacy/page.html", {"rules": None})
    return render_page(
        request,
        "privacy/page.html",
        {
            "rules": RetentionRules.of(district),
            "district": district,
            "deletion": deletion_pending(district),
            "grace_days": GRACE_DAYS,
            "deletion_form": forms.ConfirmForm(expected=district.name)
            if request.user.role == Role.SUPERINTENDENT
            else None,
            "export": latest_export(district) if _may_end_contract(request.user) else None,
        },
    )


@login_required
def rules_edit(request: HtmxHttpRequest) -> HttpResponse:
    require_district_admin(request)
    rules = RetentionRules.of(request.user.district)
    form = forms.RetentionRulesForm(request.POST or None, instance=rules)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            adding = rules.pk is None
            saved = form.save()
            changes = form_changes(form, add=adding, hidden=frozenset())
            if changes:
                audit(request, saved, AuditEntry.Action.CHANGE, "\n".join(changes))
        messages.success(request, _("Saved the retention rules."))
        return redirect("privacy:page")
    return render_page(
        request,
        "privacy/rules.html",
        {"form": form, "title": _("Retention rules")},
    )


def _zip_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def my_data(request: HtmxHttpRequest) -> HttpResponse:
    """The signed-in person's own data, their anonymous input included."""
    if request.user.district_id is None:
        raise Http404("No such page.")
    content = person_data_zip(request.user, own=True)
    return _zip_response(content, f"my-data-{timezone.localdate().isoformat()}.zip")


@login_required
def person_data(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A district administrator answers a request made for a person: never anonymous input."""
    require_district_admin(request)
    person = get_object_or_404(User, pk=pk, district_id=request.user.district_id)
    with transaction.atomic():
        content = person_data_zip(person, own=False)
        audit(request, person, AuditEntry.Action.CHANGE, "data downloaded for a request")
    return _zip_response(content, f"person-{person.pk}-{timezone.localdate().isoformat()}.zip")


@login_required
def erase(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A district administrator erases a person who left, after typing their name back."""
    require_district_admin(request)
    person = get_object_or_404(User, pk=pk, district_id=request.user.district_id)
    form = forms.ConfirmForm(request.POST or None, expected=person.name)
    if request.method == "POST" and form.is_valid():
        try:
            person_erase(person=person, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The person was erased."))
            return redirect("districts:person", pk=person.pk)
    return render_page(
        request,
        "privacy/erase.html",
        {"person": person, "form": form, "allowed": may_erase(person)},
        status=400 if form.errors else None,
    )


def _may_end_contract(user) -> bool:
    return user.role == Role.SUPERINTENDENT and user.district_id is not None


@login_required
def deletion_ask(request: HtmxHttpRequest) -> HttpResponse:
    """The superintendent asks for the district's deletion, after a grace period."""
    if request.method != "POST" or not _may_end_contract(request.user):
        raise Http404("No such page.")
    district = request.user.district
    form = forms.ConfirmForm(request.POST, expected=district.name)
    if deletion_pending(district) is None and form.is_valid():
        with transaction.atomic():
            deletion = deletion_request(district=district, by=request.user)
            audit(
                request,
                district,
                AuditEntry.Action.DELETE,
                f"deletion requested, due {deletion.due_at:%Y-%m-%d}",
            )
        messages.success(
            request, _("The district's deletion is requested. It can be cancelled until it is due.")
        )
        return redirect("privacy:page")
    return render_page(
        request,
        "privacy/page.html",
        {
            "rules": RetentionRules.of(district),
            "district": district,
            "deletion": deletion_pending(district),
            "grace_days": GRACE_DAYS,
            "deletion_form": form,
            "export": latest_export(district),
        },
        status=400,
    )


@login_required
def deletion_stop(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    if request.method != "POST" or not (_may_end_contract(user) or user.is_district_admin):
        raise Http404("No such page.")
    deletion = deletion_pending(user.district) if user.district_id else None
    if deletion is None:
        raise Http404("No such page.")
    with transaction.atomic():
        deletion_cancel(deletion=deletion, by=user)
        audit(request, user.district, AuditEntry.Action.CHANGE, "deletion cancelled")
    messages.success(request, _("The district's deletion is cancelled."))
    return redirect("privacy:page")


@login_required
def export_ask(request: HtmxHttpRequest) -> HttpResponse:
    """The superintendent asks for everything the district owns; the worker writes it."""
    if request.method != "POST" or not _may_end_contract(request.user):
        raise Http404("No such page.")
    with transaction.atomic():
        export = district_export_request(district=request.user.district, by=request.user)
        audit(request, export, AuditEntry.Action.ADD, "district export requested")
    messages.success(request, _("The export is being made. This page shows how far it is."))
    return redirect("privacy:page")


@login_required
def export_download(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if not _may_end_contract(request.user):
        raise Http404("No such page.")
    export = get_object_or_404(
        DistrictExport, pk=pk, district_id=request.user.district_id, finished_at__isnull=False
    )
    try:
        archive = open(export.archive, "rb")  # noqa: SIM115  FileResponse closes it
    except OSError:
        raise Http404("No such page.") from None
    return FileResponse(archive, as_attachment=True, filename=f"district-export-{export.pk}.zip")
