"""Staff write a public decision's version in another offered language."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from districts.web import HtmxHttpRequest

from ..forms import DecisionVersionForm
from ..models import DecisionVersion, can_write_versions
from ..versions import version_languages
from .common import decision_for_user


@login_required
@require_http_methods(["GET", "POST"])
def decision_version(request: HtmxHttpRequest, pk: int, language: str) -> HttpResponse:
    decision = decision_for_user(request, pk)
    names = dict(version_languages())
    if language not in names:
        raise Http404("Not an offered language.")
    if not can_write_versions(request.user, decision):
        raise PermissionDenied(
            _(
                "Its writer, its owning team and district leaders write a public decision's versions."
            )
        )
    version = DecisionVersion.objects.filter(decision=decision, language=language).first()
    version = version or DecisionVersion(
        district_id=decision.district_id, decision=decision, language=language
    )
    form = DecisionVersionForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        version = form.save(commit=False)
        version.written_by = request.user
        version.save()
        messages.success(
            request,
            _("Saved the version in %(language)s: readers of it see it on the public page.")
            % {"language": names[language]},
        )
        return redirect(decision)
    return render(
        request,
        "decisions/version_form.html",
        {"decision": decision, "form": form, "language": language, "name": names[language]},
    )
