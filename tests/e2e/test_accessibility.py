"""Keyboard only, on a phone-sized window: logging a conversation and giving input.

Axe checks every page these journeys load (see conftest); the first test proves that it would
notice a violation.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions import services as decisions
from decisions.models import Involvement, Stakeholder
from rounding import services as rounding
from rounding.models import Conversation

PASSWORD = "a-long-test-password"

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")


def tab_to(page, locator, most: int) -> int:
    """Press Tab until `locator` has focus; how many presses it took, at most `most`."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return presses
    raise AssertionError(f"{locator} not reached in {most} Tab presses")


def test_axe_notices_a_violation(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')")
    found = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a']}})"
        ".then(r => r.violations.map(v => v.id))"
    )
    assert "image-alt" in found


def test_keyboard_only_conversation_and_input(
    page, live_server, superintendent, teacher, school, district, make_person_in, team
):
    make_person_in(district, "staff", "Rosa Ibarra", None, [school], title="cook")
    visit = rounding.visit_start(school=school, by=superintendent, date=datetime.date(2026, 10, 5))
    now = timezone.now()
    decision = decisions.decision_create(
        district=district,
        by=superintendent,
        title="Later start at Alder Creek",
        context="Buses, sleep and first period.",
        owning_team=team,
        visibility="district",
        domain="schedule",
        process_type="consent",
        stakeholders=[
            {
                "kind": Stakeholder.Kind.SCHOOL,
                "school": school,
                "involvement": Involvement.CONSULTED,
            }
        ],
        input_opens=now - datetime.timedelta(days=1),
        input_closes=now + datetime.timedelta(days=5),
    )
    decisions.decision_open_input(decision=decision, by=superintendent)

    sign_in(page, live_server, superintendent.email)
    page.goto(f"{live_server.url}/rounding/visits/{visit.pk}/")
    # From the top: the skip link, then a few stops to the first field of the form.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    search = page.get_by_label("Find them in the roster")
    assert tab_to(page, search, most=6) <= 6
    page.keyboard.type("Rosa")
    # The one match is chosen as the roster narrows.
    expect(page.locator("#id_person option:checked")).to_have_text("Rosa Ibarra (cook)")
    working = page.get_by_label("What is working well?")
    tab_to(page, working, most=6)
    page.keyboard.type("The new menu works.")
    save = page.get_by_role("button", name="Save conversation")
    tab_to(page, save, most=12)
    page.keyboard.press("Enter")
    result = page.locator("#conversation-result")
    expect(result).to_contain_text("Conversation with Rosa Ibarra saved")
    expect(result).to_be_focused()  # focus is not lost after the live update
    assert Conversation.objects.get().working == "The new menu works."
    page.get_by_role("button", name="Sign out").focus()
    page.keyboard.press("Enter")
    # Signed out before the next person signs in: the sign-out must not land on their page.
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    sign_in(page, live_server, teacher.email)
    page.goto(f"{live_server.url}{decision.get_absolute_url()}")
    kind = page.locator("#id_kind")
    tab_to(page, kind, most=60)
    page.keyboard.press("ArrowDown")
    text = page.get_by_label("Your input:")
    tab_to(page, text, most=3)
    page.keyboard.type("Families need the early drop-off.")
    send = page.get_by_role("button", name="Send input")
    tab_to(page, send, most=12)
    page.keyboard.press("Enter")
    expect(page.locator("#input")).to_contain_text("Thank you")
    expect(page.locator("#input")).to_contain_text("Families need the early drop-off.")


ROLES = ["superintendent", "district_leader", "principal", "teacher", "staff", "student", "family"]


def test_every_page_of_every_roles_navigation_passes_axe(
    page, live_server, district, school, superintendent, make_person_in, conversation_for_axe
):
    """Each role signs in and opens every page its navigation offers; axe checks each load."""
    opened = 0
    for role in ROLES:
        email = f"{role}@cedar.example"
        make_person_in(district, role, f"A {role}", email, [school])
        sign_in(page, live_server, email)
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        links = page.locator(".site-header nav a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        for href in dict.fromkeys(links):
            response = page.goto(f"{live_server.url}{href}")
            assert response.status < 400, (role, href)
            # Nothing wider than the phone: no sideways scrolling of the whole page.
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= page.viewport_size["width"], (role, href, width)
            opened += 1
        page.get_by_role("button", name="Sign out").click()
    assert opened >= 3 * len(ROLES)


@pytest.fixture
def conversation_for_axe(school, superintendent, district, make_person_in):
    cook = make_person_in(district, "staff", "Rosa Ibarra", None, [school], title="cook")
    visit = rounding.visit_start(school=school, by=superintendent, date=datetime.date(2026, 10, 5))
    return rounding.conversation_add(visit=visit, person=cook, concerns="The freezer door leaks.")
