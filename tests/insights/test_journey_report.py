"""The journey report: plain words for the board, the same whoever of the leaders prints it."""

import datetime
import re

import pytest
from django.urls import reverse

from decisions.models import Decision
from insights.models import Milestone
from principals.models import CheckIn
from tests.insights.conftest import TRENDS
from tests.insights.test_themes import without_csrf

pytestmark = TRENDS
URL = reverse("insights:journey_report")
UTC = datetime.UTC
OCTOBER = datetime.date(2026, 10, 14)
SEPTEMBER = datetime.date(2026, 9, 15)


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(17), tzinfo=UTC)


def main_of(response) -> str:
    return re.search(r"<main.*</main>", without_csrf(response.content), re.S).group(0)


@pytest.fixture
def journey_data(district, school, superintendent, people, make_pair, decision_at):
    principals = people(school, 4, "principal")
    for value, principal in zip((2, 2, 3, 3), principals, strict=True):
        pair = make_pair(superintendent, principal, school)
        CheckIn.objects.create(
            district=district, pair=pair, scheduled_at=at(OCTOBER), status="held", pulse=value
        )
        if value == 3:
            continue
        CheckIn.objects.create(
            district=district, pair=pair, scheduled_at=at(SEPTEMBER), status="held", pulse=1
        )
    for took in (2, 4, 6, 8):
        decision = decision_at(school)
        Decision.objects.filter(pk=decision.pk).update(
            input_opens=at(SEPTEMBER),
            decided_at=at(SEPTEMBER + datetime.timedelta(days=took)),
            status="decided",
        )
    Milestone.objects.create(district=district, day=SEPTEMBER, title="New grading policy")
    return principals


def test_the_report_reads_the_dip_and_the_milestones_in_plain_words(
    client_for, superintendent, journey_data
):
    page = client_for(superintendent).get(URL).content.decode()
    assert "lowest in October 2026, at 2.5" in page  # September rests on two principals
    assert "September 15, 2026: New grading policy" in page
    assert "4 decisions were decided in the groups large enough to show" in page


def test_the_report_is_the_same_whoever_of_the_leaders_produces_it(
    client_for, district, superintendent, make_person_in, journey_data
):
    leader = make_person_in(district, "district_leader", "Dee Leader", "dee@cedar.example")
    first = main_of(client_for(superintendent).get(URL))
    second = main_of(client_for(leader).get(URL))
    assert first == second


def test_nothing_on_the_report_names_a_person(client_for, superintendent, journey_data):
    page = main_of(client_for(superintendent).get(URL))
    for person in [superintendent, *journey_data]:
        assert person.name not in page


def test_the_report_for_last_school_year_only(client_for, superintendent, journey_data):
    page = client_for(superintendent).get(URL, {"period": "last"}).content.decode()
    assert "From August 2025 to July 2026." in page
    assert "New grading policy" not in page


@pytest.mark.parametrize("persona", ["principal", "teacher"])
def test_only_district_leaders_find_the_report(persona, request, client_for):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 404
