"""A superintendent reads decision flow, bottlenecks and the journey on a phone; a principal
reads their own pair's pulse. Axe checks every page (tests/e2e/conftest.py)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions import services as decision_services
from decisions.models import Decision
from principals.models import CheckIn

PASSWORD = "a-long-test-password"

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_leaders_read_the_flow_the_bottlenecks_and_the_journey_on_a_phone(
    page,
    live_server,
    screenshot,
    district,
    school,
    team,
    superintendent,
    principal,
    make_person_in,
    make_pair,
):
    now = timezone.now()
    for took in (3, 5, 9, 13, 20, 4, 6, 8):
        decision = decision_services.decision_create(
            district=district,
            by=superintendent,
            title="Later start",
            context="Buses.",
            owning_team=team,
            school=school if took % 2 else None,
            domain="schedule",
            process_type="consent",
        )
        Decision.objects.filter(pk=decision.pk).update(
            input_opens=now - datetime.timedelta(days=took + 10),
            decided_at=now - datetime.timedelta(days=10),
            decided_by=superintendent,
            status="decided",
        )
    month_ago = now - datetime.timedelta(days=31)
    more = [
        make_person_in(district, "principal", f"Principal {i}", f"pr{i}@cedar.example", [school])
        for i in range(3)
    ]
    for i, principal_ in enumerate([principal, *more]):
        pair = make_pair(superintendent, principal_, school)
        for when, pulse in ((month_ago, 2 + i % 2), (now - datetime.timedelta(days=1), 4)):
            CheckIn.objects.create(
                district=district, pair=pair, scheduled_at=when, status="held", pulse=pulse
            )

    sign_in(page, live_server, superintendent.email)
    page.goto(f"{live_server.url}/insights/decision-flow/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision flow: go slow to go fast")
    expect(page.get_by_text("School-level decisions took")).to_be_visible()
    assert fits_the_phone(page)
    screenshot("insights-decision-flow-phone")

    page.get_by_role("link", name="Bottlenecks").click()
    expect(page.get_by_role("heading", name="Decisions waiting on one decider")).to_be_visible()
    assert fits_the_phone(page)
    screenshot("insights-bottlenecks-phone")

    page.get_by_role("link", name="The journey").click()
    expect(page.get_by_role("img", name="The district's check-in pulse, by month")).to_be_visible()
    expect(page.get_by_role("table", name="The district's journey by month")).to_be_visible()
    assert fits_the_phone(page)
    screenshot("insights-journey-phone")

    page.get_by_role("link", name="The journey report for the board and the community").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cedar Valley: our journey")
    assert fits_the_phone(page)
    screenshot("insights-journey-report-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/insights/journey/")
    screenshot("insights-journey-desk")
    page.goto(f"{live_server.url}/insights/bottlenecks/")
    screenshot("insights-bottlenecks-desk")
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, live_server, principal.email)
    page.goto(f"{live_server.url}/insights/journey/")
    expect(
        page.get_by_role("heading", name="Your check-ins: Alice Okafor and Bob Lindqvist")
    ).to_be_visible()
    expect(page.get_by_role("img", name="Pulse of the check-ins of Alice Okafor")).to_be_visible()
    expect(page.get_by_role("heading", name="Month by month", exact=True)).to_have_count(0)
    screenshot("insights-journey-pair-phone")
