"""A principal prepares a check-in on a phone; the supervisor holds it; the action shows next time."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from principals.models import CheckIn

PASSWORD = "a-long-test-password"

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_agenda_notes_and_an_action_carry_to_the_next_check_in(
    page, live_server, screenshot, district, school, superintendent, principal, make_pair
):
    pair = make_pair(
        superintendent,
        principal,
        school,
        planned_through=timezone.localdate() + datetime.timedelta(weeks=20),
    )
    soon = timezone.now() + datetime.timedelta(hours=1)
    meeting = CheckIn.objects.create(district=district, pair=pair, scheduled_at=soon)
    following = CheckIn.objects.create(
        district=district, pair=pair, scheduled_at=soon + datetime.timedelta(days=14)
    )
    csp_errors = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and csp_errors.append(message),
    )

    sign_in(page, live_server, "bob@cedar.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Check-ins").click()
    expect(page.get_by_role("heading", name="My check-ins")).to_be_visible()
    page.get_by_role("link", name=meeting.local_start().strftime("%A %-d %B, %H:%M")).click()
    page.get_by_label("What kind of item:", exact=True).select_option("high_performers")
    page.get_by_label("Item:", exact=True).fill("Keep Ms. Ortiz: she is thinking of leaving")
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator("#agenda")).to_contain_text("Keep Ms. Ortiz")
    expect(page.get_by_label("Item:", exact=True)).to_have_value("")  # htmx swapped a fresh form in
    screenshot("check-in-principal")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "alice@cedar.example")
    # Not among the superintendent's main actions: one tap away in the menu.
    page.get_by_role("navigation", name="Main").get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Check-ins").click()
    expect(page.get_by_role("heading", name="My principals")).to_be_visible()
    screenshot("check-ins-supervisor")
    page.goto(f"{live_server.url}/check-ins/{meeting.pk}/")
    expect(page.locator("#agenda")).to_contain_text("Keep Ms. Ortiz")
    page.get_by_label("Shared notes:", exact=True).fill("A coaching role could keep her.")
    page.get_by_label("Pulse:", exact=True).select_option("4")
    page.get_by_role("button", name="Save the notes").click()
    expect(page.get_by_text("Notes saved.")).to_be_visible()
    page.get_by_label("Action:", exact=True).fill("Ask HR about a coaching stipend")
    page.get_by_label("Who does it:", exact=True).select_option(label="Alice Okafor")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("#actions")).to_contain_text("Ask HR about a coaching stipend")
    screenshot("check-in-supervisor")

    page.goto(f"{live_server.url}/check-ins/{following.pk}/")
    expect(page.locator("#actions")).to_contain_text("Ask HR about a coaching stipend")
    expect(page.locator("#agenda")).to_contain_text("Keep Ms. Ortiz")
    expect(page.locator("#agenda")).to_contain_text("carried from")
    screenshot("check-in-next")
    assert csp_errors == []
