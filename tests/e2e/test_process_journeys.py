"""On a phone, each of the six processes from input to the recorded decision, with the
refusals on the way: consent (an objection, then its resolution), consensus (a block only its
author lifts), advice (a named decider off the owning team answers the advice and decides),
consultative (what was heard, written down), vote (secret ballots, the tally hidden until the
close) and delegated (the delegate decides within the bounds). In each, a teacher who opens
the decide address reads why in the site's frame and finds the way back."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions import services
from decisions.models import Decision, Involvement, Stakeholder
from districts.models import School

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


# What a teacher reads when they open the decide address themselves.
DECIDE_REFUSED = "Only the owning team or the named deciders record the decision."


def refused_in_the_frame(
    page, url: str, came_from: str, reason: str, screenshot=None, name: str = ""
) -> None:
    """Open an address the page does not offer, from `came_from`: a 403 in the site's frame that
    says why, and a link back to where the person was."""
    response = page.goto(url, referer=came_from)
    assert response.status == 403
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this here")
    expect(page.get_by_role("main")).to_contain_text(reason)
    if screenshot:
        screenshot(name)
    page.get_by_role("link", name="Back to the previous page").click()
    expect(page).to_have_url(came_from)


def give_input(page, url: str, kind: str, text: str) -> None:
    page.goto(url)
    page.locator("#how").get_by_role("link", name="Give input").click()
    page.get_by_label("Kind").select_option(kind)
    page.get_by_label("Your input").fill(text)
    page.get_by_role("button", name="Send input").click()
    expect(page.locator("#input")).to_contain_text(text)


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
    refused_in_the_frame(
        page, f"{url}decide/", url, DECIDE_REFUSED, screenshot, "consent-decide-refused"
    )

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
    refused_in_the_frame(page, f"{url}decide/", url, DECIDE_REFUSED)
    expect(page.locator("#vote")).not_to_contain_text("The tally")

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
    assert Decision.objects.get(pk=decision.pk).status == "decided"
    assert errors == []


def test_a_block_stands_until_its_author_lifts_it(
    page, live_server, screenshot, district, school, team, principal, teacher, make_person_in
):
    errors = watch_errors(page)
    colleague = make_person_in(district, "teacher", "Maya Chen", "maya@cedar.example", [school])
    decision = opened(
        district,
        principal,
        team,
        school,
        title="One shared planning hour",
        context="Grade teams plan apart and the hallway duties clash.",
        process_type="consensus",
    )
    url = f"{live_server.url}{decision.get_absolute_url()}"

    sign_in(page, live_server, teacher.email)
    give_input(page, url, "block", "Grade 1 would lose its only quiet hour.")
    expect(page.locator("#input")).to_contain_text("Stands: it stops the decision")

    sign_in(page, live_server, colleague.email)
    give_input(page, url, "agree", "One hour for all of us is fairer.")
    refused_in_the_frame(page, f"{url}decide/", url, DECIDE_REFUSED)

    sign_in(page, live_server, principal.email)
    page.goto(url)
    page.get_by_role("button", name="Close input now").click()
    block = page.locator("#input li.input-block")
    expect(block).to_contain_text("Stands: it stops the decision")
    # The new engine: nobody but its author lifts a block; the deciders are not offered a ruling.
    expect(block.get_by_text("Resolve it")).to_have_count(0)
    page.get_by_role("link", name="Record the decision").click()
    expect(page.locator(".briefing")).to_contain_text("Block (still standing)")
    expect(page.get_by_role("alert").first).to_contain_text("A block stops this decision")
    page.get_by_label("Outcome").fill("One planning hour on Wednesdays.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert").first).to_contain_text("until its author lifts it")
    screenshot("consensus-refused")

    sign_in(page, live_server, teacher.email)
    page.goto(url)
    page.get_by_role("button", name="Lift my block").click()
    expect(page.locator("#input li.input-block")).to_contain_text("Lifted by its author")

    sign_in(page, live_server, principal.email)
    page.goto(url)
    page.get_by_role("link", name="Record the decision").click()
    expect(page.locator(".briefing")).not_to_contain_text("still standing")
    page.get_by_label("Outcome").fill("One planning hour on Wednesdays; Grade 1 keeps Friday.")
    page.get_by_label("Rationale").fill("Everyone can live with it once Grade 1 keeps Friday.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("What was decided")).to_be_visible()
    # The new engine: "Close input now" closes the window now, so no "decided early" flag.
    expect(page.locator(".integrity")).to_have_count(0)
    screenshot("consensus-decided")
    assert Decision.objects.get(pk=decision.pk).status == "decided"
    assert errors == []


def test_the_named_decider_off_the_team_answers_the_advice_and_decides(
    page, live_server, screenshot, district, school, team, principal, teacher, make_person_in
):
    errors = watch_errors(page)
    elsewhere = School.objects.create(district=district, name="Birch Hill Middle", level="middle")
    decider = make_person_in(district, "teacher", "Grace Kim", "grace@cedar.example", [elsewhere])
    assert not team.members.filter(pk=decider.pk).exists()
    decision = opened(
        district,
        principal,
        team,
        school,
        title="A new reading programme for Grade 2",
        context="Two programmes fit the budget; the literacy lead chooses.",
        process_type="advice",
        decider=decider,
    )
    url = f"{live_server.url}{decision.get_absolute_url()}"
    services.input_give(
        decision=decision,
        by=make_person_in(district, "teacher", "Noor Ali", "noor@cedar.example", [school]),
        kind="advice",
        text="Pilot it in one class before buying for all.",
    )

    sign_in(page, live_server, teacher.email)
    page.goto(url)
    expect(page.locator("#how")).to_contain_text("Grace Kim")
    give_input(page, url, "advice", "Take the one with decodable readers.")
    refused_in_the_frame(page, f"{url}decide/", url, DECIDE_REFUSED)

    sign_in(page, live_server, principal.email)
    page.goto(url)
    page.get_by_role("button", name="Close input now").click()

    # The new engine: the named decider may decide whatever teams they are on.
    sign_in(page, live_server, decider.email)
    page.goto(url)
    page.locator("#how").get_by_role("link", name="Record the decision").click()
    expect(page.get_by_role("alert").first).to_contain_text("2 are unanswered")
    page.get_by_role("link", name=decision.title).click()
    for advice, answer in [
        ("decodable readers", "Yes: the programme we take has them."),
        ("Pilot it", "We pilot in two classes this spring."),
    ]:
        item = page.locator("#input li").filter(has_text=advice)
        item.locator("summary", has_text="Answer").click()
        item.get_by_label("Answer", exact=True).fill(answer)
        item.get_by_role("button", name="Save the answer").click()
        expect(page.locator("#input li").filter(has_text=advice)).to_contain_text(answer)
    page.locator("#how").get_by_role("link", name="Record the decision").click()
    expect(page.locator(".briefing")).not_to_contain_text("Not answered yet")
    page.get_by_label("Outcome").fill("Grade 2 takes the decodable-readers programme.")
    page.get_by_label("Rationale").fill("Both pieces of advice point to it, piloted first.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("What was decided")).to_be_visible()
    # The new engine: "Close input now" closes the window now, so no "decided early" flag.
    expect(page.locator(".integrity")).to_have_count(0)
    screenshot("advice-decided")
    decision.refresh_from_db()
    assert (decision.status, decision.decided_by) == ("decided", decider)
    assert errors == []


def test_the_deciders_write_what_they_heard_before_they_decide(
    page, live_server, screenshot, district, school, team, principal, teacher, make_person_in
):
    errors = watch_errors(page)
    decision = opened(
        district,
        principal,
        team,
        school,
        title="Phones away in class",
        context="Teachers ask for one rule across the school.",
        process_type="consultative",
    )
    url = f"{live_server.url}{decision.get_absolute_url()}"
    services.input_give(
        decision=decision,
        by=make_person_in(district, "teacher", "Noor Ali", "noor@cedar.example", [school]),
        kind="idea",
        text="Pouches by the door, as Grade 5 does.",
    )

    sign_in(page, live_server, teacher.email)
    give_input(page, url, "concern", "Parents text about pick-up changes during the day.")
    refused_in_the_frame(page, f"{url}decide/", url, DECIDE_REFUSED)

    sign_in(page, live_server, principal.email)
    page.goto(url)
    page.get_by_role("button", name="Close input now").click()
    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("Outcome").fill("Phones in pouches by the door during lessons.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".has-error")).to_contain_text("This field is required")
    expect(page.get_by_label("Outcome")).to_have_value(
        "Phones in pouches by the door during lessons."
    )
    page.get_by_label("What we heard").fill(
        "Pouches work in Grade 5; parents need a way to reach their child about pick-up."
    )
    page.get_by_label("Rationale").fill("The office passes on pick-up messages.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("What was decided")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("parents need a way to reach their child")
    screenshot("consultative-decided")
    assert Decision.objects.get(pk=decision.pk).status == "decided"
    assert errors == []


def test_the_delegate_off_the_team_decides_within_the_bounds(
    page, live_server, screenshot, district, school, team, principal, teacher, make_person_in
):
    errors = watch_errors(page)
    elsewhere = School.objects.create(district=district, name="Birch Hill Middle", level="middle")
    delegate = make_person_in(
        district, "teacher", "Frank Ortiz", "frank@cedar.example", [elsewhere]
    )
    bounds = "Up to $2,000 from the library budget; opening hours stay as they are."
    decision = opened(
        district,
        principal,
        team,
        school,
        title="New books for the library",
        context="The library budget has $2,000 left this year.",
        process_type="delegated",
        decider=delegate,
        decider_bounds=bounds,
    )
    url = f"{live_server.url}{decision.get_absolute_url()}"

    sign_in(page, live_server, teacher.email)
    page.goto(url)
    expect(page.locator("#how")).to_contain_text("Frank Ortiz, the delegate")
    expect(page.locator("#how")).to_contain_text(bounds)
    give_input(page, url, "idea", "Graphic novels: the Grade 4 readers ask for them.")
    refused_in_the_frame(page, f"{url}decide/", url, DECIDE_REFUSED)

    sign_in(page, live_server, principal.email)
    page.goto(url)
    page.get_by_role("button", name="Close input now").click()

    # The new engine: the delegate may decide whatever teams they are on.
    sign_in(page, live_server, delegate.email)
    page.goto(url)
    page.locator("#how").get_by_role("link", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_label("Outcome").fill("$1,200 of graphic novels and $800 of Grade 2 readers.")
    page.get_by_label("Rationale").fill("Within the $2,000; the readers asked for both.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("What was decided")).to_be_visible()
    # The new engine: "Close input now" closes the window now, so no "decided early" flag.
    expect(page.locator(".integrity")).to_have_count(0)
    screenshot("delegated-decided")
    decision.refresh_from_db()
    assert (decision.status, decision.decided_by) == ("decided", delegate)
    assert errors == []
