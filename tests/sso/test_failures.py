"""When single sign-on does not go through: a provider that does not answer, a sign-in cancelled
or failed at the provider, and every page of the sign-in library a person can reach. Each is a
page of the site (its frame, its language, a way back), never a 500 or the library's bare page."""

import html
import re
import socket
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from django.conf import settings as django_settings
from django.template.loader import get_template
from django.urls import reverse

from .conftest import use_provider_at
from .flows import START, press_the_button, signed_in_as
from .oidc_provider import Provider

pytestmark = pytest.mark.django_db


def closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@contextmanager
def provider_that_never_answers():
    """Takes the connection (the system's backlog does) and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def assert_in_the_site_frame(response) -> str:
    page = html.unescape(response.content.decode())
    assert re.search(r'<html lang="en[-a-z]*">', page), page[:300]
    assert 'class="site-header"' in page and '<main id="main">' in page
    assert "Menu:" not in page and "Third-Party" not in page  # the library's own bare pages
    return page


def assert_says_the_provider_does_not_answer(response) -> None:
    assert response.status_code == 503
    page = assert_in_the_site_frame(response)
    assert "Your district's sign-in service does not answer" in page
    assert "Cedar Valley account" in page
    assert f'href="{reverse("login")}"' in page


def test_pressing_the_button_when_the_provider_is_unreachable_says_so(client, settings, teacher):
    use_provider_at(settings, closed_port())
    assert_says_the_provider_does_not_answer(client.post(START))
    assert signed_in_as(client) is None


def test_coming_back_when_the_provider_has_become_unreachable_says_so(client, settings, teacher):
    with Provider() as provider:
        use_provider_at(settings, provider.url)
        callback = press_the_button(client, provider, "charlie@cedar.example")
    response = client.get(f"{callback.path}?{callback.query}")
    assert_says_the_provider_does_not_answer(response)
    assert signed_in_as(client) is None


def test_a_provider_whose_token_address_is_unreachable_says_so(client, provider, teacher, settings):
    app = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
    app["settings"]["openid_configuration_overrides"] = {"token_endpoint": closed_port()}
    callback = press_the_button(client, provider, "charlie@cedar.example")
    response = client.get(f"{callback.path}?{callback.query}")
    assert_says_the_provider_does_not_answer(response)
    assert signed_in_as(client) is None


def test_a_provider_that_never_answers_is_given_up_on_within_seconds(client, settings, teacher):
    with provider_that_never_answers() as url:
        use_provider_at(settings, url)
        started = time.monotonic()
        response = client.post(START)
        waited = time.monotonic() - started
    assert_says_the_provider_does_not_answer(response)
    assert waited < 6


def come_back_with(client, provider, **answer):
    callback = press_the_button(client, provider, "charlie@cedar.example")
    state = parse_qs(callback.query)["state"][0]
    return client.get(callback.path, {"state": state, **answer}, follow=True)


def test_cancelling_at_the_provider_comes_back_to_a_page_of_the_site(client, provider, teacher):
    response = come_back_with(client, provider, error="access_denied")
    assert response.status_code == 200
    page = assert_in_the_site_frame(response)
    assert "You cancelled signing in" in page
    assert f'href="{reverse("login")}"' in page
    assert signed_in_as(client) is None


def test_a_sign_in_the_provider_refuses_comes_back_to_a_page_of_the_site(client, provider, teacher):
    response = come_back_with(client, provider, error="server_error")
    assert response.status_code == 401
    page = assert_in_the_site_frame(response)
    assert "Signing in with Cedar Valley account did not work" in page
    assert f'href="{reverse("login")}"' in page
    assert signed_in_as(client) is None


def test_a_tampered_answer_comes_back_to_a_page_of_the_site(client, provider, teacher):
    press_the_button(client, provider, "charlie@cedar.example")
    callback = reverse("openid_connect_callback", kwargs={"provider_id": "district"})
    response = client.get(callback, {"code": "forged", "state": "forged"})
    assert response.status_code == 401
    assert "did not work" in assert_in_the_site_frame(response)
    assert signed_in_as(client) is None


# Every page of django-allauth this app can reach with its settings and URLs: SOCIALACCOUNT_ONLY
# leaves only sign-out and "inactive" of its account pages; the third-party pages are the
# cancelled and error pages and a provider's "continue" page (its login URL opened with GET).
# Its sign-up page sends to the sign-in page without a sign-up under way, and none ever is
# ("signup closed" is rendered instead); its connections page is sent home.
LIBRARY_TEMPLATES = [
    "account/account_inactive.html",
    "account/logout.html",
    "account/signup_closed.html",
    "socialaccount/authentication_error.html",
    "socialaccount/login.html",
    "socialaccount/login_cancelled.html",
    "allauth/layouts/base.html",  # what any other page of the library would extend
]


@pytest.mark.parametrize("name", LIBRARY_TEMPLATES)
def test_each_page_of_the_sign_in_library_is_the_sites_own(name):
    origin = Path(get_template(name).origin.name)
    assert origin.is_relative_to(Path(django_settings.BASE_DIR) / "templates")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (reverse("socialaccount_login_cancelled"), "You cancelled signing in"),
        (reverse("socialaccount_login_error"), "did not work"),
        (reverse("account_inactive"), "This account is deactivated"),
        (START, "Continue to Cedar Valley account"),
    ],
)
def test_each_page_of_the_sign_in_library_reached_signed_out_is_in_the_site_frame(
    client, provider, url, words
):
    response = client.get(url, follow=True)
    assert words in assert_in_the_site_frame(response)


def test_the_sign_in_librarys_sign_out_and_connections_pages_are_in_the_site_frame(
    client_for, teacher
):
    client = client_for(teacher)
    page = assert_in_the_site_frame(client.get(reverse("account_logout")))
    assert "Sign out of Roundtable on this device?" in page
    response = client.get(reverse("socialaccount_connections"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert_in_the_site_frame(response)


def test_signing_in_through_a_provider_says_nothing_the_password_sign_in_does_not(
    client, provider, teacher
):
    callback = press_the_button(client, provider, "charlie@cedar.example")
    response = client.get(f"{callback.path}?{callback.query}", follow=True)
    assert "Successfully signed in" not in response.content.decode()
