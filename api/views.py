"""The page where each person makes, lists and revokes their own API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from districts.access import visible_or_404
from districts.audit import audit
from districts.models import AuditEntry
from districts.web import HtmxHttpRequest

from .forms import TokenForm
from .models import ApiToken

# A person with more live tokens than this should revoke some first.
MAX_ACTIVE_TOKENS = 20


def _page(request, form, secret=None, created=None, status=None) -> HttpResponse:
    tokens = ApiToken.objects.visible_to(request.user).order_by("revoked_at", "-created_at", "-pk")
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": tokens[:100],
            "secret": secret,
            "created": created,
            "api_url": request.build_absolute_uri("/api/v1/"),
            "schema_url": request.build_absolute_uri("/api/v1/openapi.json"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.district_id is None:
        raise Http404("No such page.")
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        if ApiToken.objects.visible_to(request.user).active().count() >= MAX_ACTIVE_TOKENS:
            form.add_error(None, _("You have %d tokens; revoke one first.") % MAX_ACTIVE_TOKENS)
        else:
            # The district's leaders read in the admin log who can reach its data from a script.
            with transaction.atomic():
                token, secret = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
                audit(request, token, AuditEntry.Action.ADD, f"name: {token.name}")
            messages.success(request, _("Token “%s” made. Copy it now.") % token.name)
            # Shown in this answer only: the secret is kept nowhere, not even in the session.
            return _page(request, TokenForm(), secret=secret, created=token)
    return _page(request, form, status=400)


@login_required
@require_POST
def token_revoke(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    token = visible_or_404(request, ApiToken.objects, pk=pk)
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoke()
            audit(request, token, AuditEntry.Action.CHANGE, "Revoked by its owner")
    messages.success(request, _("Token “%s” revoked: it no longer works.") % token.name)
    return redirect("api:tokens")
