"""A superintendent rounds at a school on a phone; the principal then sees the loop, not the notes."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from districts.models import Theme
from rounding.models import Conversation, FollowUp, RoundingVisit

PASSWORD = "a-long-test-password"

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def in_view(page, locator) -> bool:
    """The element is inside the phone's viewport, where the person is looking."""
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_superintendent_rounds_and_principal_sees_the_loop_not_the_notes(
    page, live_server, screenshot, superintendent, principal, school, district, make_person_in, axe
):
    make_person_in(district, "staff", "Rosa Ibarra", None, [school], title="cook")
    make_person_in(district, "student", "Eli Novak", None, [school])
    make_person_in(district, "teacher", "Nia Brooks", None, [school], title="new teacher")
    Theme.objects.create(district=district, name="Facilities")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, live_server, "alice@cedar.example")
    # The superintendent's main action is in view on a phone, no scrolling, no menu.
    start = page.get_by_role("navigation", name="Main").get_by_role("link", name="Start a visit")
    assert in_view(page, start)
    start.click()
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
    result = page.locator("#conversation-result")
    expect(result).to_contain_text("Conversation with Rosa Ibarra saved")
    # The result is where the person is looking, and focus went to it.
    assert in_view(page, result)
    assert focused_id(page) == "conversation-result"
    expect(talk.get_by_label("What is working well?")).to_have_value("")
    screenshot("rounding-conversation-saved")
    axe.check()

    # 2. A refused save: the reason in view, focus on the field to fix, nothing lost.
    talk.get_by_label("What could we do better?").fill("More mentoring time")
    page.get_by_role("button", name="Save conversation").click()
    expect(result).to_contain_text("Not saved")
    name_field = talk.get_by_label("Or their name")
    expect(name_field).to_be_focused()
    assert in_view(page, name_field)
    expect(page.get_by_text("Pick someone from the roster or write their name.")).to_be_visible()
    expect(talk.get_by_label("What could we do better?")).to_have_value("More mentoring time")
    screenshot("rounding-conversation-refused")
    axe.check()

    # 3. A student by first name only: saved, with a gentle warning about student records.
    name_field.fill("Eli")
    talk.get_by_label("Role").select_option(label="Student")
    talk.get_by_label("What is working well?").fill("Eli says the library at lunch is great.")
    page.get_by_role("button", name="Save conversation").click()
    expect(result).to_contain_text("Conversation with Eli saved")
    expect(page.get_by_text("student records")).to_be_visible()
    # 4. The new teacher, typed into the form that has just been swapped in.
    talk.get_by_label("Find them in the roster").fill("Nia")
    expect(page.locator("#id_person option")).to_have_count(2)
    talk.get_by_label("Who (from the roster)").select_option(label="Nia Brooks (new teacher)")
    talk.get_by_label("What is working well?").fill("Her mentor is great.")
    page.get_by_role("button", name="Save conversation").click()
    expect(result).to_contain_text("Conversation with Nia Brooks saved")
    assert Conversation.objects.count() == 3

    # The cook's concern: drafted, checked, then published. Nothing reaches staff before.
    page.get_by_role("link", name="Draft a follow-up from the concern").click()
    expect(
        page.get_by_role("heading", name="Check the follow-up before staff read it")
    ).to_be_visible()
    assert not FollowUp.objects.exists()
    page.get_by_label("What we will do").fill("Repair or replace the dish machine")
    page.get_by_label("What we heard").fill("Kitchen equipment keeps failing")
    screenshot("rounding-follow-up-review")
    page.get_by_role("button", name="Publish the follow-up").click()
    expect(page.get_by_text("Follow-up published on the stoplight")).to_be_visible()
    follow_up = FollowUp.objects.get()
    assert follow_up.what == "Repair or replace the dish machine"
    assert follow_up.owner == superintendent and follow_up.status == "new"
    screenshot("rounding-follow-up-published")

    # A celebration.
    page.locator("#celebrations").get_by_label("Who (from the roster)").select_option(
        label="Rosa Ibarra"
    )
    page.locator("#celebrations").get_by_label("What to celebrate").fill("Forty new recipes")
    page.get_by_role("button", name="Record the celebration").click()
    expect(page.get_by_text("Celebration of Rosa Ibarra recorded.")).to_be_visible()
    screenshot("rounding-visit")
    axe.check()
    visit_url = page.url

    # Her history, the coverage and the briefing.
    page.get_by_role("link", name="Rosa Ibarra").first.click()
    expect(page.get_by_role("heading", name="Rosa Ibarra", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("The dish machine keeps breaking.")
    page.goto(f"{live_server.url}/rounding/coverage/")
    expect(page.locator(".coverage-cards")).to_contain_text(school.name)
    screenshot("rounding-coverage-phone")
    page.goto(f"{live_server.url}/rounding/briefing/{school.pk}/")
    expect(page.locator(".people-met")).to_contain_text("Rosa Ibarra")
    sign_out(page)

    # The principal: the follow-up on the stoplight, never the notes.
    sign_in(page, live_server, "bob@cedar.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My school").click()
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


def test_a_save_made_offline_is_kept_whole_and_sent_when_back_online(
    page, context, live_server, screenshot, superintendent, school, district, make_person_in
):
    from rounding import services

    make_person_in(district, "staff", "Rosa Ibarra", None, [school], title="cook")
    facilities = Theme.objects.create(district=district, name="Facilities")
    visit = services.visit_start(school=school, by=superintendent, date=school_day())
    sign_in(page, live_server, "alice@cedar.example")
    url = f"{live_server.url}/rounding/visits/{visit.pk}/"
    page.goto(url)
    # The page registers its offline helper; the next load is kept for offline use.
    for _ in range(100):
        if page.evaluate("!!(navigator.serviceWorker && navigator.serviceWorker.controller)"):
            break
        page.wait_for_timeout(100)
    page.reload()
    talk = page.locator("#conversations")
    expect(talk).to_be_visible()

    context.set_offline(True)
    # The visit page still opens without a network.
    page.reload()
    expect(page.get_by_role("heading", name=school.name, level=1)).to_be_visible()
    talk.get_by_label("Find them in the roster").fill("Rosa")  # no answer offline
    talk.get_by_label("Who (from the roster)").select_option(label="Rosa Ibarra (cook)")
    talk.get_by_label("What is working well?").fill("Salad bar is a hit.")
    talk.get_by_label("What gets in the way?").fill("The dish machine keeps breaking.")
    talk.get_by_label("Facilities").check()
    talk.get_by_role("button", name="Save conversation").click()
    result = page.locator("#conversation-result")
    expect(result).to_contain_text("No connection")
    queue = page.locator("#offline-queue")
    expect(queue).to_be_visible()
    expect(queue).to_contain_text("Rosa Ibarra (cook): not sent yet")
    assert not Conversation.objects.exists()
    screenshot("rounding-offline-queued")

    context.set_offline(False)
    expect(result).to_contain_text("Back online: 1 conversation sent.")
    expect(queue).to_be_hidden()
    conversation = Conversation.objects.get()
    assert conversation.person.name == "Rosa Ibarra"
    assert conversation.role_group == "cook"
    assert conversation.working == "Salad bar is a hit."
    assert conversation.concerns == "The dish machine keeps breaking."
    assert list(conversation.themes.all()) == [facilities]
    expect(page.locator("ol.conversations")).to_contain_text("Salad bar is a hit.")
    screenshot("rounding-offline-delivered")


def test_drafts_come_back_whole_and_are_forgotten_at_sign_out(
    page, live_server, superintendent, school, district, make_person_in
):
    from rounding import services

    make_person_in(district, "staff", "Rosa Ibarra", None, [school], title="cook")
    visit = services.visit_start(school=school, by=superintendent, date=school_day())
    sign_in(page, live_server, "alice@cedar.example")
    url = f"{live_server.url}/rounding/visits/{visit.pk}/"
    page.goto(url)
    talk = page.locator("#conversations")
    talk.get_by_label("Or their name").fill("Pat")
    talk.get_by_label("Role").select_option(label="Custodian")
    talk.get_by_label("What gets in the way?").fill("No spare mop heads.")
    page.reload()
    expect(talk.get_by_label("Or their name")).to_have_value("Pat")
    expect(talk.get_by_label("Role")).to_have_value("custodian")
    expect(talk.get_by_text("A draft you had not saved is back")).to_be_visible()
    sign_out(page)
    assert (
        page.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('roundtable-draft:')).length"
        )
        == 0
    )


def test_a_name_typed_before_the_page_script_is_ready_still_finds_them(
    page, live_server, superintendent, school, district, make_person_in, htmx_held_back
):
    """On a slow phone people type before htmx has started; the search still runs."""
    make_person_in(district, "staff", "Rosa Ibarra", None, [school], title="cook")
    make_person_in(district, "teacher", "Nia Brooks", None, [school])
    visit = RoundingVisit.objects.create(district=district, school=school, date=date.today())
    visit.visitors.add(superintendent)
    sign_in(page, live_server, "alice@cedar.example")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    htmx_held_back.hold()
    page.goto(f"{live_server.url}/rounding/visits/{visit.pk}/", wait_until="commit")
    page.locator("#person-q").fill("Rosa")
    htmx_held_back.release()
    expect(page.locator("#id_person option")).to_have_count(2)
    expect(page.locator("#id_person option").nth(1)).to_have_text("Rosa Ibarra (cook)")
