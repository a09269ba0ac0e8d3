"""The privacy page, the retention rules, a person's data, erasure and district deletion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from districts.audit import audit, form_changes
from districts.models import AuditEntry
from districts.web import HtmxHttpRequest, render_page, require_district_admin

from . import forms
from .models import RetentionRules


@login_required
def privacy_page(request: HtmxHttpRequest) -> HttpResponse:
    """What Roundtable keeps, why, for how long and who sees it, from the district's rules."""
    district = request.user.district
    if district is None:
        return render_page(request, "privacy/page.html", {"rules": None})
    return render_page(
        request,
        "privacy/page.html",
        {"rules": RetentionRules.of(district), "district": district},
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
