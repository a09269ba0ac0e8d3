"""A teacher makes an API token on a phone, reads the API with it, then revokes it."""

import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

PASSWORD = "a-long-test-password"

pytestmark = pytest.mark.django_db(transaction=True)


def api_status(live_server, token: str) -> int:
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/decisions", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_teacher_makes_reads_with_and_revokes_a_token(page, live_server, screenshot, teacher):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("charlie@cedar.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("navigation", name="Main").get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API tokens").click()
    expect(page.get_by_text("No tokens yet")).to_be_visible()
    page.get_by_label("What is this token for?").fill("Weekly report")
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_text("it will not be shown again")).to_be_visible()
    token = page.get_by_label("Token", exact=True).input_value()
    assert token.startswith("rt_")
    # Nothing runs off a phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("api-token-made")
    assert api_status(live_server, token) == 200

    page.get_by_role("button", name="Revoke “Weekly report”").click()
    expect(page.get_by_text("no longer works")).to_be_visible()
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()
    screenshot("api-token-revoked")
    assert api_status(live_server, token) == 401
