"""On a phone, in a district with more schools than a select can hold: the superintendent finds
a school by typing, picks it, and the decision list filters by it. Typing in the picker does not
run the list's own search."""

import pytest
from playwright.sync_api import expect

from decisions import services
from districts.models import School
from districts.pickers import PICKER_THRESHOLD

PASSWORD = "a-long-test-password"

pytestmark = pytest.mark.django_db(transaction=True)


def test_pick_a_school_from_a_long_list_by_typing(
    page, live_server, screenshot, district, school, team, superintendent
):
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    School.objects.bulk_create(
        School(district=district, name=f"Birch School {i:03}") for i in range(PICKER_THRESHOLD)
    )
    for title, at in (("Later start at Alder Creek", school), ("District bus routes", None)):
        services.decision_create(
            district=district,
            by=superintendent,
            title=title,
            context="c",
            owning_team=team,
            school=at,
            status="deciding",
        )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(superintendent.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/decisions/")
    expect(page.locator("#results")).to_contain_text("District bus routes")

    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.locator("#id_school").fill("Alder")
    choice = page.get_by_role("radio", name="Alder Creek Elementary")
    expect(choice).to_be_visible()
    # Only the picker asked the server: the list did not search for "Alder".
    assert not [url for url in requests if "/decisions/?" in url]
    assert page.get_by_role("radio", name="Any school").is_checked()
    screenshot("picker-found")

    choice.check()
    expect(page.locator("#results")).not_to_contain_text("District bus routes")
    expect(page.locator("#results")).to_contain_text("Later start at Alder Creek")
    assert f"school={school.pk}" in page.url
    assert not errors, errors
