"""Single sign-on with django-allauth: a sign-in is matched to a roster person, never creates one.

A provider's sign-in is accepted when it vouches for an e-mail address that the roster holds
for an active person: the address is verified (the provider says so), or the provider is the
district's own directory (Clever, or Microsoft Entra ID set to one tenant), which issues the
addresses itself. Nobody is ever signed up: an address the roster does not hold is refused
with a page that says why. A provider may be limited to some districts (`districts` in its
settings, from `SSO_<PROVIDER>_DISTRICTS`), so that one district's identity provider cannot
vouch for another district's people.

Links between a provider's account and a person are not stored: each sign-in is matched
again, so the roster's e-mail address stays what decides.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import User

# Microsoft tenants that let any organisation (or anyone) sign in: their addresses are not the
# district's to vouch for.
SHARED_TENANTS = frozenset({"common", "organizations", "consumers"})
ROSTER_BACKEND = "districts.backends.RosterBackend"


def provider_settings(sociallogin) -> dict:
    app = sociallogin.account.get_provider().app
    return {**(app.settings or {})} if app is not None else {}


def directory_issues_addresses(sociallogin) -> bool:
    """Whether the provider is the district's own directory, so its addresses are the district's."""
    provider = sociallogin.account.provider
    if provider == "clever":
        return True
    if provider == "microsoft":
        tenant = provider_settings(sociallogin).get("tenant", "organizations")
        return tenant.lower() not in SHARED_TENANTS
    return False


def vouched_emails(sociallogin) -> list[str]:
    trusted = directory_issues_addresses(sociallogin)
    return [
        address.email.strip().lower()
        for address in sociallogin.email_addresses
        if address.email and (address.verified or trusted)
    ]


def refuse(request, message: str):
    raise ImmediateHttpResponse(
        render(request, "registration/sso_refused.html", {"message": message}, status=403)
    )


def roster_person(request, sociallogin) -> User:
    """The active roster person this sign-in is for; anything else is refused."""
    emails = vouched_emails(sociallogin)
    if not emails:
        refuse(
            request,
            _(
                "Your account did not give Roundtable a verified e-mail address, so it cannot "
                "tell who you are. Ask your district's IT staff."
            ),
        )
    person = (
        User.objects.select_related("district")
        .filter(email__in=emails, district__isnull=False)
        .first()
    )
    allowed = provider_settings(sociallogin).get("districts") or []
    if person is None or (allowed and person.district.slug not in allowed):
        refuse(
            request,
            _(
                "%(email)s is not in your district's roster in Roundtable, so it cannot sign "
                "in. If it should be, ask your district's Roundtable administrator."
            )
            % {"email": emails[0]},
        )
    if not person.is_active:
        refuse(
            request,
            _(
                "This account is deactivated in Roundtable. If that is a mistake, ask your "
                "district's Roundtable administrator."
            ),
        )
    return person


class RosterSocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        sociallogin.user = roster_person(request, sociallogin)

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False


class RosterAccountAdapter(DefaultAccountAdapter):
    """allauth only signs people in here; passwords and sign-ups are Roundtable's own pages."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def login(self, request, user) -> None:
        # The roster backend loads the person with their district on every request.
        user.backend = ROSTER_BACKEND
        super().login(request, user)
