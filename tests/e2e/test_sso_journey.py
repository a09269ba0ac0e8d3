"""Single sign-on in a browser, against the test OpenID Connect provider on loopback: a
teacher signs in and out on a shared computer, the next person is asked who they are, and a
provider that does not answer or a cancelled sign-in is a page of the site (axe checks each)."""

import socket

import pytest
from playwright.sync_api import expect

from tests.sso.conftest import use_provider_at
from tests.sso.oidc_provider import Provider

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def provider(settings):
    with Provider() as running:
        use_provider_at(settings, running.url)
        yield running


def test_on_a_shared_computer_the_next_person_is_asked_who_they_are(
    page, live_server, provider, teacher, screenshot
):
    provider.signed_in = {"email": "charlie@cedar.example", "email_verified": True}
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with Cedar Valley account").click()
    expect(page.locator(".brand-district")).to_have_text("Cedar Valley")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert provider.sign_outs and not provider.signed_in

    page.get_by_role("button", name="Sign in with Cedar Valley account").click()
    expect(page.get_by_role("heading", name="Sign in to the district")).to_be_visible()
    assert page.url.startswith(provider.url)
    screenshot("sso-next-person-asked")


def test_a_provider_that_does_not_answer_is_a_page_of_the_site(
    page, live_server, settings, teacher, screenshot
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    use_provider_at(settings, f"http://127.0.0.1:{port}")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with Cedar Valley account").click()
    expect(
        page.get_by_role("heading", name="Your district's sign-in service does not answer")
    ).to_be_visible()
    screenshot("sso-provider-silent")
    page.get_by_role("link", name="Back to sign-in").click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()


def test_a_cancelled_sign_in_is_a_page_of_the_site(page, live_server, provider):
    page.goto(f"{live_server.url}/sso/3rdparty/login/cancelled/")
    expect(page.get_by_role("heading", name="Sign-in cancelled")).to_be_visible()
    page.goto(f"{live_server.url}/sso/3rdparty/login/error/")
    expect(page.get_by_role("heading", name="Roundtable could not sign you in")).to_be_visible()
    page.goto(f"{live_server.url}/sso/oidc/district/login/")
    page.get_by_role("button", name="Continue to Cedar Valley account").click()
    expect(page.get_by_role("heading", name="Sign in to the district")).to_be_visible()
