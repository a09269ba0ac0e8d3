"""The journey: the pulse and the small wins by month, the district's and each pair's own."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from insights.journey import school_year_months
from insights.models import Milestone
from principals.models import CheckIn
from rounding.models import Celebration, Conversation, FollowUp, RoundingVisit
from tests.insights.conftest import TODAY, TRENDS

pytestmark = TRENDS
URL = reverse("insights:journey")
UTC = datetime.UTC
OCTOBER = datetime.date(2026, 10, 14)
SEPTEMBER = datetime.date(2026, 9, 15)


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(17), tzinfo=UTC)


def months_csv(client) -> dict:
    response = client.get(URL, {"export": "months"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: row[1:] for row in rows[1:]}


@pytest.fixture
def pulses(district, school, superintendent, people, make_pair):
    """Held check-ins with these pulses on `day`, one principal (and pair) for each."""

    def give(day, values):
        pairs = []
        for principal, value in zip(people(school, len(values), "principal"), values, strict=True):
            pair = make_pair(superintendent, principal, school)
            CheckIn.objects.create(
                district=district, pair=pair, scheduled_at=at(day), status="held", pulse=value
            )
            pairs.append(pair)
        return pairs

    return give


def test_two_school_years_of_months_from_last_august():
    months = school_year_months(TODAY)
    assert (months[0], months[-1], len(months)) == (
        datetime.date(2025, 8, 1),
        datetime.date(2026, 11, 1),
        16,
    )
    assert school_year_months(datetime.date(2026, 3, 2))[0] == datetime.date(2024, 8, 1)


def test_the_district_pulse_shows_a_month_only_with_four_principals_behind_it(
    client_for, superintendent, pulses
):
    pulses(OCTOBER, [2, 3, 3, 4])
    pulses(SEPTEMBER, [1, 1, 5])
    rows = months_csv(client_for(superintendent))
    assert rows["2026-10-01"][0] == "3.0"
    assert rows["2026-09-01"][0] == ""


def test_rounding_follow_ups_and_celebrations_by_month_with_the_small_group_rule(
    client_for, district, school, superintendent, people
):
    met = people(school, 4)
    october = RoundingVisit.objects.create(district=district, school=school, date=OCTOBER)
    for i, person in enumerate(met):
        conversation = Conversation.objects.create(
            district=district,
            visit=october,
            person=person,
            role_group="teacher",
            working="The new schedule." if i else "",
            concerns="Copier queue.",
        )
        FollowUp.objects.create(
            district=district,
            school=school,
            conversation=conversation,
            what="Fix the copier",
            owner=person,
            due_on=OCTOBER,
            status="green",
            done_at=at(OCTOBER),
        )
        Celebration.objects.create(
            district=district,
            school=school,
            person=person,
            what="Ran the fair",
            created_at=at(OCTOBER),
        )
    september = RoundingVisit.objects.create(district=district, school=school, date=SEPTEMBER)
    for person in met[:3]:
        Conversation.objects.create(
            district=district, visit=september, person=person, role_group="teacher", concerns="c"
        )
    rows = months_csv(client_for(superintendent))
    assert rows["2026-10-01"][1:5] == ["3", "4", "4", "4"]
    assert rows["2026-09-01"][1:5] == ["", "", "", ""]


def test_leaders_see_the_charts_with_their_words_and_a_table(client_for, superintendent, pulses):
    pulses(OCTOBER, [2, 3, 3, 4])
    page = client_for(superintendent).get(URL).content.decode()
    assert '<svg class="chart" id="district-pulse" role="img"' in page
    assert '<title id="district-pulse-title">The district&#x27;s check-in pulse, by month' in page
    assert "Oct 2026 3.0" in page  # the chart's description reads its numbers
    assert "Month by month" in page


def test_a_principal_sees_only_their_own_pairs_pulse(
    client_for, district, school, principal, superintendent, make_pair, pulses
):
    own = make_pair(superintendent, principal, school)
    CheckIn.objects.create(
        district=district, pair=own, scheduled_at=at(OCTOBER), status="held", pulse=2
    )
    others = pulses(OCTOBER, [5, 5, 5, 5])
    client = client_for(principal)
    page = client.get(URL, {"pair": others[0].pk}).content.decode()
    assert "Your check-ins: Alice Okafor and Bob Lindqvist" in page
    assert "Month by month" not in page
    rows = list(csv.reader(io.StringIO(client.get(URL, {"export": "pair"}).content.decode())))
    assert ["2026-10-01", "2.0"] in rows
    assert client.get(URL, {"export": "months"})["Content-Type"].startswith("text/html")


def test_someone_in_no_pair_and_not_a_leader_finds_no_page(client_for, teacher):
    assert client_for(teacher).get(URL).status_code == 404


def test_a_pair_that_is_not_an_id_is_a_bad_request(client_for, superintendent):
    assert client_for(superintendent).get(URL, {"pair": "x"}).status_code == 400


def test_a_leader_adds_a_milestone_drawn_on_the_journey(client_for, superintendent, pulses):
    pulses(OCTOBER, [2, 3, 3, 4])
    client = client_for(superintendent)
    response = client.post(URL, {"day": "2026-10-05", "title": "Late-start Wednesdays begin"})
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert "Oct 5, 2026: Late-start Wednesdays begin" in page
    assert "<title>Oct 5, 2026: Late-start Wednesdays begin</title></line>" in page
    assert months_csv(client)["2026-10-01"][-1] == "Late-start Wednesdays begin"


def test_a_milestone_with_a_bad_date_keeps_what_was_typed(client_for, superintendent):
    response = client_for(superintendent).post(URL, {"day": "5 Oct", "title": "New grading"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid date." in page
    assert 'value="New grading"' in page
    assert not Milestone.objects.exists()


def test_pair_members_see_milestones_but_cannot_add_or_remove_them(
    client_for, district, school, principal, superintendent, make_pair
):
    make_pair(superintendent, principal, school)
    milestone = Milestone.objects.create(district=district, day=OCTOBER, title="New grading policy")
    client = client_for(principal)
    page = client.get(URL).content.decode()
    assert "New grading policy" in page
    assert "Add the milestone" not in page
    assert client.post(URL, {"day": "2026-10-05", "title": "Mine"}).status_code == 404
    remove = reverse("insights:milestone_remove", args=[milestone.pk])
    assert client.post(remove).status_code == 404
    assert Milestone.objects.count() == 1


def test_a_leader_removes_a_milestone_of_their_district_only(
    client_for, district, other_district, superintendent
):
    ours = Milestone.objects.create(district=district, day=OCTOBER, title="Ours")
    theirs = Milestone.objects.create(district=other_district, day=OCTOBER, title="Theirs")
    client = client_for(superintendent)
    assert client.post(reverse("insights:milestone_remove", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("insights:milestone_remove", args=[ours.pk])).status_code == 302
    assert list(Milestone.objects.values_list("title", flat=True)) == ["Theirs"]


def test_who_is_heard_counts_named_input_and_never_anonymous_input(
    client_for, superintendent, school, people, decision_at, give_input
):
    decision = decision_at(None)
    named = people(school, 4)
    for person in named:
        give_input(decision, person, OCTOBER, [])
    for person in named[:3]:
        give_input(decision, person, SEPTEMBER, [])
    for person in people(school, 4):
        give_input(decision, person, SEPTEMBER, [], anonymous=True)
    rows = months_csv(client_for(superintendent))
    assert rows["2026-10-01"][6] == "4"
    assert rows["2026-09-01"][6] == ""  # three named; the four anonymous never count
