"""Signing out of Roundtable signs out of the district's provider too, where it can
(RP-initiated logout), so that on a shared computer the next person is asked who they are."""

from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from django.urls import reverse

from districts import sso

from .flows import START, signed_in_as, sso_sign_in
from .oidc_provider import CLIENT_ID

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sign_out", ["logout", "account_logout"])
def test_signing_out_sends_the_browser_to_the_providers_end_session(
    client, provider, teacher, sign_out
):
    sso_sign_in(client, provider, "charlie@cedar.example")
    response = client.post(reverse(sign_out))
    assert response.status_code == 302
    end_session = urlsplit(response.url)
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == (
        f"{provider.url}/logout"
    )
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver" + reverse("login")]
    assert query["client_id"] == [CLIENT_ID]
    hint = jwt.decode(
        query["id_token_hint"][0],
        provider.key.public_key(),
        algorithms=["RS256"],
        audience=CLIENT_ID,
        options={"verify_exp": False},
    )
    assert hint["email"] == "charlie@cedar.example"
    assert signed_in_as(client) is None


def test_on_a_shared_computer_the_next_person_is_asked_who_they_are(client, provider, teacher):
    sso_sign_in(client, provider, "charlie@cedar.example")
    assert signed_in_as(client) == teacher
    sign_out = client.post(reverse("logout"))
    at_provider = requests.get(sign_out.url, allow_redirects=False, timeout=5)
    assert at_provider.headers["Location"] == "http://testserver" + reverse("login")
    # The next person, on the same computer, presses the button.
    start = client.post(START)
    at_provider = requests.get(start.url, allow_redirects=False, timeout=5)
    assert at_provider.status_code == 200  # the provider's sign-in form, not Charlie's session
    assert provider.prompts == 1
    assert signed_in_as(client) is None


def test_a_provider_without_end_session_is_asked_to_prompt_the_next_person(
    client, provider, teacher, settings
):
    app = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
    app["settings"]["openid_configuration_overrides"] = {"end_session_endpoint": None}
    sso_sign_in(client, provider, "charlie@cedar.example")
    sign_out = client.post(reverse("logout"))
    assert sign_out.url == reverse("login")
    assert provider.signed_in  # the provider's session lives on
    start = client.post(START)
    assert parse_qs(urlsplit(start.url).query)["prompt"] == ["login"]
    at_provider = requests.get(start.url, allow_redirects=False, timeout=5)
    assert at_provider.status_code == 200  # its sign-in form, not Charlie's session
    assert provider.prompts == 1
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    ("provider", "tenant", "end_session"),
    [
        (
            "microsoft",
            "1234-abcd",
            "https://login.microsoftonline.com/1234-abcd/oauth2/v2.0/logout",
        ),
        ("microsoft", None, "https://login.microsoftonline.com/organizations/oauth2/v2.0/logout"),
        ("google", None, None),
        ("clever", None, None),
    ],
)
def test_which_providers_roundtable_signs_out_of(provider, tenant, end_session):
    app = SimpleNamespace(settings={"tenant": tenant} if tenant else {})
    account = SimpleNamespace(provider=provider, get_provider=lambda: SimpleNamespace(app=app))
    found = sso.end_session_of(SimpleNamespace(account=account))
    assert (found["endpoint"] if found else None) == end_session
