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

A provider that does not answer (down, out of reach, or slower than
SOCIALACCOUNT_REQUESTS_TIMEOUT) gives a page that says so, when the button is pressed and when
the browser comes back. Signing out of Roundtable signs out of the provider too where it
can (RP-initiated logout: Microsoft, and an OpenID Connect provider whose discovery document
names an end_session_endpoint): what that needs is kept in the session at sign-in, so signing
out never waits on the provider.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .models import User

logger = logging.getLogger(__name__)

# Microsoft tenants that let any organisation (or anyone) sign in: their addresses are not the
# district's to vouch for.
SHARED_TENANTS = frozenset({"common", "organizations", "consumers"})
ROSTER_BACKEND = "districts.backends.RosterBackend"
# In the session of an SSO sign-in: the provider, and where and how to sign out of it.
SIGNED_IN_WITH_PROVIDER = "sso_signed_in_with"
# In the session left after an SSO sign-out: the next sign-in here asks who it is.
ASK_WHO_SIGNS_IN = "sso_ask_who"


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


def provider_silent(request: HttpRequest, provider_name: str) -> HttpResponse:
    """The page for a provider that did not answer: 503, in the site's frame, a way back."""
    return render(
        request, "registration/sso_unreachable.html", {"provider_name": provider_name}, status=503
    )


def end_session_of(sociallogin) -> dict | None:
    """Where and how to sign out of the provider: an OpenID Connect provider's end-session
    address (noted at sign-in by DistrictOIDCAdapter), or Microsoft's, the same for every
    tenant; Google and Clever have none."""
    if sociallogin.account.provider == "microsoft":
        tenant = provider_settings(sociallogin).get("tenant", "organizations")
        endpoint = f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/logout"
        return {"endpoint": endpoint, "params": {}}
    return getattr(sociallogin, "end_session", None)


def provider_sign_out_url(request: HttpRequest) -> str | None:
    """The provider's end-session address for the person signed in here, if it has one."""
    end_session = (request.session.get(SIGNED_IN_WITH_PROVIDER) or {}).get("end_session")
    if not end_session:
        return None
    params = {name: value for name, value in end_session["params"].items() if value}
    params["post_logout_redirect_uri"] = build_absolute_uri(request, reverse("login"))
    endpoint = end_session["endpoint"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


class RosterSocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        sociallogin.user = roster_person(request, sociallogin)

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        # A provider that stops answering between the button and the token exchange.
        if isinstance(exception, requests.ConnectionError | requests.Timeout):
            logger.warning("Sign-in provider %s did not answer: %s", provider.id, exception)
            raise ImmediateHttpResponse(provider_silent(request, provider.name))

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

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sociallogin is not None:
            request.session.pop(ASK_WHO_SIGNS_IN, None)
            request.session[SIGNED_IN_WITH_PROVIDER] = {
                "provider": sociallogin.account.provider,
                "end_session": end_session_of(sociallogin),
            }
        return response

    def logout(self, request) -> None:
        signed_in_with_provider = SIGNED_IN_WITH_PROVIDER in request.session
        super().logout(request)
        if signed_in_with_provider:
            request.session[ASK_WHO_SIGNS_IN] = True

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        # "Signed in as …" and "You have signed out." are the library's words, in its own
        # languages; Roundtable's own sign-in and sign-out say nothing, and neither does this.
        if message_template in (
            "account/messages/logged_in.txt",
            "account/messages/logged_out.txt",
        ):
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def get_logout_redirect_url(self, request) -> str:
        # Asked before the session ends (allauth's sign-out page), so the provider is known.
        return provider_sign_out_url(request) or super().get_logout_redirect_url(request)


class DistrictOIDCAdapter(OpenIDConnectOAuth2Adapter):
    """Notes, at sign-in, what signing out of the provider needs: its end-session address
    (from the discovery document just read) and the ID token it issued, as the hint."""

    def complete_login(self, request, app, token, **kwargs):
        sociallogin = super().complete_login(request, app, token, **kwargs)
        endpoint = self.openid_config.get("end_session_endpoint")
        if endpoint:
            sociallogin.end_session = {
                "endpoint": endpoint,
                "params": {
                    "client_id": app.client_id,
                    "id_token_hint": kwargs["response"].get("id_token", ""),
                },
            }
        return sociallogin


def provider_name(request: HttpRequest, provider_id: str) -> str:
    try:
        return get_social_adapter().get_provider(request, provider_id).name
    except SocialApp.DoesNotExist:
        raise Http404 from None


def oidc_answered(view_class, request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's OpenID Connect view, with this module's adapter, answering for a provider
    whose discovery document cannot be read (allauth lets that error through as a 500)."""
    name = provider_name(request, provider_id)
    try:
        return view_class.adapter_view(DistrictOIDCAdapter(request, provider_id))(request)
    except requests.RequestException as exception:
        logger.warning("Sign-in provider %s did not answer: %s", provider_id, exception)
        return provider_silent(request, name)


def oidc_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    if request.session.get(ASK_WHO_SIGNS_IN):
        # Someone signed out on this browser: if the provider's session outlived theirs (it
        # has no end-session address, or the browser never got there), it must still ask.
        request.GET = request.GET.copy()
        request.GET["auth_params"] = "prompt=login"
    return oidc_answered(OAuth2LoginView, request, provider_id)


def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    return oidc_answered(OAuth2CallbackView, request, provider_id)


@require_POST
@never_cache
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out here, then at the provider too when it can: on a shared computer the next
    person pressing the button is asked who they are, not signed in as the last one."""
    target = provider_sign_out_url(request) or resolve_url(settings.LOGOUT_REDIRECT_URL)
    RosterAccountAdapter(request).logout(request)
    return redirect(target)
