"""A superintendent rounds at a school on a phone; the principal then sees the loop, not the notes."""

import re

import pytest
from playwright.sync_api import expect

from districts.models import Theme
from rounding.models import Conversation, FollowUp

PASSWORD = "a-long-test-password"

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_superintendent_rounds_and_principal_sees_the_loop_not_the_notes(
    page, live_server, screenshot, superintendent, principal, school, district, make_person_in
):
    make_person_in(district, "staff", "Rosa Ibarra", None, [school], title="cook")
    make_person_in(district, "student", "Eli Novak", None, [school])
    make_person_in(district, "teacher", "Nia Brooks", None, [school], title="new teacher")
    Theme.objects.create(district=district, name="Facilities")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, live_server, "alice@cedar.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rounding").click()
    page.get_by_role("link", name="Start a visit").first.click()
    page.get_by_label("School").select_option(label=school.name)
    page.get_by_label("Purpose").fill("Lunch and the new teachers")
    page.get_by_role("button", name="Start the visit").click()
    expect(page.get_by_role("heading", name=school.name, level=1)).to_be_visible()

    talk = page.locator("#conversations")
    # 1. The cook, found in the roster by typing.
    talk.get_by_label("Find them in the roster").fill("Rosa")
    expect(page.locator("#id_person option")).to_have_count(2)
    talk.get_by_label("Who (from the roster)").select_option(label="Rosa Ibarra (cook)")
    talk.get_by_label("What is working well?").fill("Salad bar is a hit.")
    talk.get_by_label("What gets in the way?").fill("The dish machine keeps breaking.")
    talk.get_by_label("Facilities").check()
    screenshot("rounding-conversation-form")
    page.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_text("Conversation with Rosa Ibarra saved")).to_be_visible()

    # 2. A student by first name only: saved, with a gentle warning about student records.
    talk.get_by_label("Or their name").fill("Eli")
    talk.get_by_label("Role").select_option(label="Student")
    talk.get_by_label("What is working well?").fill("Eli says the library at lunch is great.")
    page.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_text("Conversation with Eli saved")).to_be_visible()
    expect(page.get_by_text("student records")).to_be_visible()

    # A failed save keeps what was typed.
    talk.get_by_label("What could we do better?").fill("More mentoring time")
    page.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_text("Pick someone from the roster or write their name.")).to_be_visible()
    expect(talk.get_by_label("What could we do better?")).to_have_value("More mentoring time")

    # 3. The new teacher.
    talk.get_by_label("Find them in the roster").fill("Nia")
    expect(page.locator("#id_person option")).to_have_count(2)
    talk.get_by_label("Who (from the roster)").select_option(label="Nia Brooks (new teacher)")
    page.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_text("Conversation with Nia Brooks saved")).to_be_visible()
    assert Conversation.objects.count() == 3

    # One tap: the cook's concern becomes a follow-up for the principal.
    page.get_by_role("button", name="Make the concern a follow-up").click()
    expect(page.get_by_text("Follow-up created for Bob Lindqvist")).to_be_visible()

    # A celebration.
    page.locator("#celebrations").get_by_label("Who (from the roster)").select_option(
        label="Rosa Ibarra"
    )
    page.locator("#celebrations").get_by_label("What to celebrate").fill("Forty new recipes")
    page.get_by_role("button", name="Record the celebration").click()
    expect(page.get_by_text("Celebration of Rosa Ibarra recorded.")).to_be_visible()
    screenshot("rounding-visit")
    follow_up = FollowUp.objects.get()
    visit_url = page.url
    sign_out(page)

    # The principal: the follow-up on home, the stoplight, never the notes.
    sign_in(page, live_server, "bob@cedar.example")
    expect(page.get_by_text(follow_up.what)).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Rounding at my school"
    ).click()
    expect(page).to_have_url(re.compile(rf"/rounding/stoplight/{school.pk}/$"))
    expect(page.get_by_text(follow_up.what)).to_be_visible()
    expect(page.get_by_text("Forty new recipes")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Salad bar")
    expect(page.locator("main")).not_to_contain_text("Eli says")
    screenshot("rounding-stoplight-principal")
    response = page.goto(visit_url)
    assert response.status == 404
    assert errors == [], errors


def test_logging_page_runs_without_console_errors_or_csp_violations(
    page, live_server, superintendent, school, district, make_person_in
):
    """No screenshots here: Playwright hides the caret with an injected style, which CSP reports."""
    from rounding import services

    rosa = make_person_in(district, "staff", "Rosa Ibarra", None, [school], title="cook")
    visit = services.visit_start(school=school, by=superintendent, date=school_day())
    console, failed = [], []
    page.on("console", lambda message: message.type == "error" and console.append(message.text))
    page.on(
        "response",
        lambda r: r.status >= 400 and "favicon" not in r.url and failed.append((r.status, r.url)),
    )
    sign_in(page, live_server, "alice@cedar.example")
    page.goto(f"{live_server.url}/rounding/visits/{visit.pk}/")
    talk = page.locator("#conversations")
    talk.get_by_label("Find them in the roster").fill("cook")
    # Typing narrows the picker to the one match, already chosen.
    expect(page.locator("#id_person option")).to_have_count(2)
    expect(page.locator("#id_person")).to_have_value(str(rosa.pk))
    talk.get_by_label("What is working well?").fill("Soup")
    talk.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_text("Conversation with Rosa Ibarra saved")).to_be_visible()
    assert page.evaluate("typeof htmx") == "object"
    assert failed == []
    assert [m for m in console if "Failed to load resource" not in m] == []


def test_a_draft_survives_a_reload_until_it_is_saved(
    page, live_server, superintendent, school, district
):
    from rounding import services

    visit = services.visit_start(school=school, by=superintendent, date=school_day())
    sign_in(page, live_server, "alice@cedar.example")
    page.goto(f"{live_server.url}/rounding/visits/{visit.pk}/")
    talk = page.locator("#conversations")
    talk.get_by_label("What gets in the way?").fill("The copier jams every morning.")
    page.reload()
    expect(talk.get_by_label("What gets in the way?")).to_have_value(
        "The copier jams every morning."
    )
    talk.get_by_label("Or their name").fill("Pat")
    talk.get_by_label("Role").select_option(label="Other staff")
    talk.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_text("Conversation with Pat saved")).to_be_visible()
    page.reload()
    expect(talk.get_by_label("What gets in the way?")).to_have_value("")


def school_day():
    import datetime

    return datetime.date(2026, 10, 5)
