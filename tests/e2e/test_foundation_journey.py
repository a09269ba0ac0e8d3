"""A superintendent signs in on a phone, reads the district home and finds the cook in the directory."""

import re

import pytest
from playwright.sync_api import expect

PASSWORD = "a-long-test-password"

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_superintendent_signs_in_and_finds_a_cook(
    page, live_server, screenshot, superintendent, school, make_person_in, district
):
    make_person_in(district, "staff", "Rosa Ibarra", None, [school], title="cook")
    make_person_in(district, "teacher", "Tom Whitfield", None, [school])

    page.goto(f"{live_server.url}/")
    screenshot("sign-in")
    sign_in(page, live_server, "alice@cedar.example")
    expect(page.get_by_role("heading", name="Cedar Valley", level=1)).to_be_visible()
    screenshot("district-home")

    page.get_by_role("navigation", name="Main").get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_label("Search").fill("cook")
    # htmx swaps only the results while typing; the address keeps the search.
    expect(page.locator("#results")).to_contain_text("Rosa Ibarra")
    expect(page.locator("#results")).not_to_contain_text("Tom Whitfield")
    expect(page).to_have_url(re.compile(r"q=cook"))
    screenshot("people-directory")


def test_wrong_password_keeps_the_email_and_explains(page, live_server, superintendent):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("alice@cedar.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("correct email", exact=False)).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("alice@cedar.example")


def test_page_has_no_console_errors_or_csp_violations(page, live_server, superintendent):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, live_server, "alice@cedar.example")
    page.goto(f"{live_server.url}/people/")
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    assert page.evaluate("typeof htmx") == "object"
    assert errors == []


def test_a_search_typed_before_the_page_script_is_ready_still_filters(
    page, live_server, superintendent, school, make_person_in, district, htmx_held_back
):
    """On a slow phone people type before htmx has started; the list still filters."""
    make_person_in(district, "staff", "Rosa Ibarra", None, [school], title="cook")
    make_person_in(district, "teacher", "Tom Whitfield", None, [school])
    sign_in(page, live_server, "alice@cedar.example")
    expect(page.get_by_role("heading", name="Cedar Valley", level=1)).to_be_visible()

    htmx_held_back.hold()
    page.goto(f"{live_server.url}/people/", wait_until="commit")
    page.get_by_label("Search").fill("cook")
    htmx_held_back.release()
    expect(page.locator("#results")).not_to_contain_text("Tom Whitfield")
    expect(page.locator("#results")).to_contain_text("Rosa Ibarra")
    expect(page).to_have_url(re.compile(r"q=cook"))
