"""On a phone: a consent decision that an objection stops until it is resolved, and a
secret vote whose tally stays hidden until the close."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions import services
from decisions.models import Decision, Involvement, Stakeholder

from .test_decisions_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def watch_errors(page) -> list:
    errors = []
    page.on(
        "console",
        lambda m: (
            m.type == "error" and "Failed to load resource" not in m.text and errors.append(m.text)
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 500 and "favicon" not in r.url and errors.append(f"{r.status} {r.url}")
        ),
    )
    return errors


def opened(district, principal, team, school, **fields) -> Decision:
    now = timezone.now()
    decision = services.decision_create(
        district=district,
        by=principal,
        owning_team=team,
        school=school,
        domain="schedule",
        input_opens=now - datetime.timedelta(hours=1),
        input_closes=now + datetime.timedelta(days=2),
        stakeholders=[
            {
                "kind": Stakeholder.Kind.ROLE,
                "role": "teacher",
                "school": school,
                "involvement": Involvement.CONSULTED,
            }
        ],
        **fields,
    )
    services.decision_open_input(decision=decision, by=principal)
    return decision


def test_an_objection_blocks_consent_until_it_is_resolved(
    page, live_server, screenshot, district, school, team, principal, teacher
):
    errors = watch_errors(page)
    decision = opened(
        district,
        principal,
        team,
        school,
        title="Two lunch periods",
        context="One lunch period means a 25-minute line.",
        process_type="consent",
    )
    url = f"{live_server.url}{decision.get_absolute_url()}"

    sign_in(page, live_server, teacher.email)
    page.goto(url)
    how = page.locator("#how")
    expect(how).to_contain_text("How this decision is made")
    expect(how).to_contain_text("You are consulted")
    expect(how).to_contain_text("Waiting for your input.")
    how.get_by_role("link", name="Give input").click()
    page.get_by_label("Kind").select_option("objection")
    page.get_by_label("Your input").fill("The youngest would eat at 10:40.")
    page.get_by_role("button", name="Send input").click()
    expect(page.locator("#input")).to_contain_text("Stands: it stops the decision")
    screenshot("consent-objection-given")

    sign_in(page, live_server, principal.email)
    page.goto(url)
    page.get_by_role("button", name="Close input now").click()
    page.get_by_role("link", name="Record the decision").click()
    expect(page.locator(".briefing")).to_contain_text("Objection (still standing)")
    page.get_by_label("Outcome").fill("Two lunch periods from March.")
    page.get_by_label("Rationale").fill("Shorter lines.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert").first).to_contain_text("objection still stands")
    screenshot("consent-refused")

    page.goto(url)
    page.locator("#input").get_by_text("Resolve it").click()
    page.get_by_label("The proposal was amended to meet it").check()
    page.get_by_label("How the proposal changed, or why it is not paramount").fill(
        "The youngest keep the 11:30 lunch."
    )
    page.get_by_role("button", name="Save the ruling").click()
    expect(page.locator("#input")).to_contain_text("The proposal was amended to meet it")
    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("Outcome").fill("Two lunch periods from March; the youngest keep 11:30.")
    page.get_by_label("Rationale").fill("Shorter lines, and the objection met.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("What was decided")).to_be_visible()
    screenshot("consent-decided")
    assert Decision.objects.get(pk=decision.pk).status == "decided"
    assert errors == []


def test_a_secret_vote_hides_its_tally_until_the_close(
    page, live_server, screenshot, district, school, team, principal, teacher, make_person_in
):
    errors = watch_errors(page)
    decision = opened(
        district,
        principal,
        team,
        school,
        title="Date of the spring concert",
        context="The gym is free on two evenings.",
        process_type="vote",
        options="Tuesday May 12\nThursday May 14",
    )
    for i, option in enumerate(["Tuesday May 12", "Thursday May 14"]):
        voter = make_person_in(district, "teacher", f"Voter {i}", f"v{i}@cedar.example", [school])
        services.vote_cast(decision=decision, by=voter, option=option)
    url = f"{live_server.url}{decision.get_absolute_url()}"

    sign_in(page, live_server, teacher.email)
    page.goto(url)
    page.locator("#how").get_by_role("link", name="Give input: vote").click()
    page.get_by_label("Thursday May 14").check()
    page.get_by_role("button", name="Cast my ballot").click()
    vote = page.locator("#vote")
    expect(vote).to_contain_text("Your ballot is cast.")
    expect(vote).to_contain_text("3 ballots cast so far")
    expect(vote).not_to_contain_text("The tally")
    expect(page.locator("#how")).not_to_contain_text("Waiting for your input")
    screenshot("vote-cast")

    sign_in(page, live_server, principal.email)
    page.goto(url)
    expect(page.locator("#vote")).to_contain_text("Results are hidden")
    page.get_by_role("button", name="Close the vote now").click()
    vote = page.locator("#vote")
    expect(vote.locator("table")).to_contain_text("Thursday May 14")
    expect(vote).to_contain_text("Who took part (3)")
    expect(vote).to_contain_text("never says who chose what")
    page.get_by_role("link", name="Record the decision").click()
    expect(page.locator(".briefing table")).to_contain_text("Thursday May 14")
    page.get_by_label("Outcome").fill("The concert is on Thursday May 14.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("What was decided")).to_be_visible()
    screenshot("vote-decided")
    assert errors == []
