"""Bottlenecks: decisions waiting on one decider, decisions decided higher than the map gives."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from decisions.models import Decision, DecisionRight
from tests.insights.conftest import TODAY, TRENDS

pytestmark = TRENDS
URL = reverse("insights:bottlenecks")
UTC = datetime.UTC
PAST = TODAY - datetime.timedelta(days=10)


def export(client, table) -> list[list[str]]:
    response = client.get(URL, {"export": table})
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def waiting_on(decision_at):
    """A decision `decider` must decide, past its decide-by date unless told otherwise."""

    def make(decider, *, decide_by=PAST, status="deciding", **fields):
        decision = decision_at(None)
        Decision.objects.filter(pk=decision.pk).update(
            decider=decider, decide_by=decide_by, status=status, **fields
        )
        return decision

    return make


def test_decisions_past_their_decide_by_date_are_counted_for_each_district_leader(
    client_for, superintendent, waiting_on
):
    waiting_on(superintendent)
    waiting_on(superintendent, decide_by=PAST - datetime.timedelta(days=5))
    # Its window closed yesterday: by the clock it is being decided, whatever the stored status.
    waiting_on(
        superintendent,
        status="open_for_input",
        input_opens=datetime.datetime(2026, 11, 1, tzinfo=UTC),
        input_closes=datetime.datetime(2026, 11, 14, tzinfo=UTC),
    )
    waiting_on(superintendent, decide_by=TODAY + datetime.timedelta(days=3))  # not yet due
    waiting_on(superintendent, status="decided")
    rows = export(client_for(superintendent), "waiting")
    assert rows[1:] == [["Alice Okafor", "3", "2026-10-31"]]


def test_one_person_below_the_district_leaders_is_neither_named_nor_counted(
    client_for, superintendent, principal, waiting_on
):
    for _ in range(4):
        waiting_on(principal)
    client = client_for(superintendent)
    page = client.get(URL).content.decode()
    assert "Bob Lindqvist" not in page
    assert "they are fewer than 4, so they are not counted here" in page
    assert export(client, "waiting")[1:] == []


def test_people_below_the_district_leaders_are_counted_together_when_four_or_more(
    client_for, superintendent, district, school, make_person_in, waiting_on
):
    for i in range(4):
        teacher = make_person_in(district, "teacher", f"Teacher {i}", f"w{i}@cedar.example")
        waiting_on(teacher)
        waiting_on(teacher)
    client = client_for(superintendent)
    assert export(client, "waiting")[1:] == [
        ["4 people below the district leaders", "8", "2026-11-05"]
    ]
    assert "Teacher 0" not in client.get(URL).content.decode()


@pytest.fixture
def decided_by(decision_at):
    def make(person, school=None, *, domain="schedule", on=datetime.date(2026, 9, 10)):
        decision = decision_at(school, domain=domain)
        Decision.objects.filter(pk=decision.pk).update(
            status="decided",
            decided_by=person,
            decided_at=datetime.datetime.combine(on, datetime.time(18), tzinfo=UTC),
        )
        return decision

    return make


def test_decisions_decided_higher_than_the_rights_map_gives_by_school_and_term(
    client_for, district, superintendent, principal, school, decided_by
):
    DecisionRight.objects.create(
        district=district, domain="schedule", level="school", role="principal", authority="decides"
    )
    decided_by(superintendent, school)  # the map gives it to the school: escalated
    decided_by(principal, school)
    decided_by(principal, school, on=datetime.date(2026, 2, 10))
    decided_by(superintendent)  # for the whole district, in a school-level domain
    decided_by(superintendent, school, domain="budget")  # the map says nothing of budgets
    rows = export(client_for(superintendent), "escalations")
    assert rows[0] == ["School", "2025-01-01", "2025-08-01", "2026-01-01", "2026-08-01", "Total"]
    assert rows[1] == ["Alder Creek Elementary", "", "", "0/1", "1/2", "1/3"]
    assert rows[2] == ["Decisions for the whole district", "", "", "", "1/1", "1/1"]


def test_without_a_rights_map_nothing_is_counted_as_escalated(
    client_for, superintendent, school, decided_by
):
    decided_by(superintendent, school)
    page = client_for(superintendent).get(URL).content.decode()
    assert "Nothing to count yet" in page


def test_how_long_each_level_takes(client_for, superintendent, school, decided_by):
    for _ in range(4):
        decision = decided_by(superintendent, school)
        Decision.objects.filter(pk=decision.pk).update(
            input_opens=datetime.datetime(2026, 9, 4, 18, tzinfo=UTC)
        )
    rows = export(client_for(superintendent), "levels")
    assert ["2026-08-01", "School-level decisions", "4", "6.0", ""] in rows


@pytest.mark.parametrize("persona", ["principal", "teacher"])
def test_only_district_leaders_find_the_page(persona, request, client_for):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 404
