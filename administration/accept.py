"""Accepting an invitation: the link's token leaves the address bar at once (so no Referer or
browser history carries it) and the session keeps only its digest, then the person chooses a
password."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from districts.languages import offered_code
from districts.models import Invitation, token_digest

from . import invitations
from .forms import AcceptInvitationForm

SESSION_KEY = "invitation_digest"


def invitation(request, token: str):
    request.session[SESSION_KEY] = token_digest(token[:100])
    return redirect("invitation_accept")


def invitation_accept(request):
    found = Invitation.for_digest(request.session.get(SESSION_KEY, ""))
    if found is None:
        return render(request, "administration/invitation.html", {"valid": False}, status=410)
    person = found.user
    # The invitee reads the page, and then the sign-in page, in their language (set by an
    # administrator or the roster), not in whatever the browser asks for.
    if code := offered_code(person.language):
        translation.activate(code)
        request.LANGUAGE_CODE = code
    response = _accept(request, found, person)
    if code:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, samesite="Lax")
    return response


def _accept(request, found, person):
    if person.must_use_sso:
        return render(request, "administration/invitation.html", {"valid": True, "sso": True})
    form = AcceptInvitationForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not invitations.invitation_accept(invitation=found, form=form):
            return render(request, "administration/invitation.html", {"valid": False}, status=410)
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request, _("Your password is saved. Sign in with your e-mail address and it.")
        )
        return redirect("login")
    return render(
        request,
        "administration/invitation.html",
        {"valid": True, "form": form, "person": person},
    )
