"""On a phone: a principal opens a decision for input, a teacher gives anonymous input from
their feed, the principal records the outcome, and the teacher sees it decided. Nobody sees
who wrote the anonymous input."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions import services
from decisions.models import Involvement, Stakeholder

PASSWORD = "a-long-test-password"

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_decision_from_input_to_outcome_on_a_phone(
    page, live_server, screenshot, district, school, team, principal, teacher, superintendent
):
    errors = []
    # CSP violations and script errors show in the console; failed requests are checked by
    # status instead, since the browser's own favicon request is not ours.
    page.on(
        "console",
        lambda m: (
            m.type == "error" and "Failed to load resource" not in m.text and errors.append(m.text)
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and "favicon" not in r.url and errors.append(f"{r.status} {r.url}")
        ),
    )
    decision = services.decision_create(
        district=district,
        by=principal,
        title="Later start at Alder Creek",
        context="Buses arrive early and first period is half asleep.",
        owning_team=team,
        school=school,
        domain="schedule",
        process_type="consent",
        stakeholders=[
            {
                "kind": Stakeholder.Kind.ROLE,
                "role": "teacher",
                "school": school,
                "involvement": Involvement.CONSULTED,
            },
        ],
    )

    sign_in(page, live_server, principal.email)
    page.goto(f"{live_server.url}{decision.get_absolute_url()}")
    page.get_by_role("link", name="Open for input").click()
    now = timezone.localtime(timezone=ZoneInfo(district.timezone))
    page.get_by_label("Input opens").fill(
        (now - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Input closes").fill(
        (now + datetime.timedelta(days=2, hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Open for input").click()
    expect(page.get_by_text("Input is open")).to_be_visible()
    screenshot("decision-opened")

    sign_in(page, live_server, teacher.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Affects me").click()
    expect(page.locator("#results")).to_contain_text("Later start at Alder Creek")
    expect(page.locator("#results")).to_contain_text("Input closes in 2")
    screenshot("affects-me")
    page.get_by_role("link", name="Later start at Alder Creek").click()
    page.get_by_label("Kind").select_option("concern")
    page.get_by_label("Your input").fill("Families with young siblings need the early drop-off.")
    page.get_by_label("Give this anonymously").check()
    page.get_by_role("button", name="Send input").click()
    # htmx swapped the input section in place: no new page.
    expect(page.locator("#input")).to_contain_text("Thank you")
    expect(page.locator("#input")).to_contain_text("Anonymous")
    expect(page.locator("#input")).to_contain_text("already given anonymous input")
    screenshot("anonymous-input-given")

    sign_in(page, live_server, principal.email)
    page.goto(f"{live_server.url}{decision.get_absolute_url()}")
    expect(page.locator("#input")).to_contain_text("Families with young siblings")
    expect(page.locator("#input")).not_to_contain_text(teacher.name)
    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("Outcome").fill("School starts 20 minutes later; early drop-off stays open.")
    page.get_by_label("Rationale").fill(
        "Sleep matters; the concern about siblings kept drop-off open."
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("What was decided")).to_be_visible()
    screenshot("decision-decided")

    sign_in(page, live_server, superintendent.email)
    page.goto(f"{live_server.url}{decision.get_absolute_url()}")
    expect(page.locator("#input")).not_to_contain_text(teacher.name)

    sign_in(page, live_server, teacher.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Affects me").click()
    expect(page.locator("#results")).to_contain_text("Decided")
    page.get_by_role("link", name="Later start at Alder Creek").click()
    expect(page.locator(".outcome")).to_contain_text("School starts 20 minutes later")
    screenshot("teacher-sees-decided")
    assert errors == []
