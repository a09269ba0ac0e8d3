"""Decision flow by term: days to decide and to implement, supersession, reflections, readings."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from decisions.models import Decision, DecisionEvent, DecisionRight, Reflection
from tests.insights.conftest import TRENDS

pytestmark = TRENDS
URL = reverse("insights:flow")
UTC = datetime.UTC
SEPTEMBER = datetime.date(2026, 9, 1)


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(18), tzinfo=UTC)


def flow_csv(client) -> dict:
    response = client.get(URL, {"export": "flow"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {(row[0], row[1]): row for row in rows[1:]}


def status_event(decision, new: str, day: datetime.date) -> None:
    DecisionEvent.objects.create(
        district_id=decision.district_id,
        decision=decision,
        kind=DecisionEvent.Kind.STATUS,
        field="status",
        old="Decided",
        new=new,
        created_at=at(day),
    )


@pytest.fixture
def flowed(decision_at, superintendent):
    """A decision opened on `opened` and decided `took` days later; optionally implemented,
    superseded and reflected on a number of days after its decision."""

    def make(
        opened=SEPTEMBER,
        took=1,
        *,
        school=None,
        implemented=None,
        superseded=None,
        verdict=None,
        **fields,
    ):
        decision = decision_at(school, **fields)
        decided = opened + datetime.timedelta(days=took)
        Decision.objects.filter(pk=decision.pk).update(
            created_at=at(opened - datetime.timedelta(days=30)),
            input_opens=at(opened),
            decided_at=at(decided),
            status="decided",
        )
        if implemented is not None:
            status_event(decision, "Implementing", decided + datetime.timedelta(days=implemented))
        if superseded is not None:
            status_event(decision, "Superseded", decided + datetime.timedelta(days=superseded))
        if verdict:
            Reflection.objects.create(
                district_id=decision.district_id,
                decision=decision,
                author=superintendent,
                what_happened="It held.",
                verdict=verdict,
            )
        return decision

    return make


def test_days_to_decide_and_to_implement_by_level_with_their_spread(
    client_for, superintendent, school, flowed
):
    for took, implemented in ((2, 1), (4, 1), (6, 3), (8, 3)):
        flowed(took=took, school=school, implemented=implemented)
    row = flow_csv(client_for(superintendent))[("2026-08-01", "School-level decisions")]
    assert row[2:9] == ["4", "5.0", "3.5", "6.5", "2.0", "1.0", "3.0"]


def test_days_to_decide_run_from_the_opening_of_the_window_not_the_draft(
    client_for, superintendent, school, flowed
):
    for _ in range(4):
        flowed(took=3, school=school)
    row = flow_csv(client_for(superintendent))[("2026-08-01", "Consent decisions")]
    assert row[3] == "3.0"  # the drafts are 30 days older


def test_a_group_of_three_decisions_is_not_shown(client_for, superintendent, flowed):
    for took in (1, 2, 3):
        flowed(took=took, implemented=1, verdict="keep")
    client = client_for(superintendent)
    row = flow_csv(client)[("2026-08-01", "District-level decisions")]
    assert set(row[2:]) == {""}
    page = client.get(URL).content.decode()
    assert "not shown" in page
    assert "Not enough decisions yet to compare" in page


def test_superseded_within_a_year_and_would_decide_the_same(
    client_for, superintendent, school, flowed
):
    february = datetime.date(2025, 2, 3)
    flowed(february, school=school, superseded=100, verdict="keep")
    flowed(february, school=school, superseded=400, verdict="keep")  # after a year: lasted
    flowed(february, school=school, verdict="keep")
    flowed(february, school=school, verdict="supersede")
    row = flow_csv(client_for(superintendent))[("2025-01-01", "School-level decisions")]
    assert row[9:] == ["25", "75"]


def test_would_decide_the_same_needs_four_reflections(client_for, superintendent, flowed):
    for verdict in ("keep", "keep", "adjust", None):
        flowed(verdict=verdict)
    row = flow_csv(client_for(superintendent))[("2026-08-01", "District-level decisions")]
    assert row[2] == "4"
    assert row[10] == ""


def test_a_team_the_rights_map_lets_decide_makes_team_level_decisions(
    client_for, superintendent, school, team, flowed
):
    DecisionRight.objects.create(
        district=school.district, domain="schedule", level="team", team=team, authority="decides"
    )
    for _ in range(4):
        flowed(school=school)
    rows = flow_csv(client_for(superintendent))
    assert rows[("2026-08-01", "Team-level decisions")][2] == "4"
    assert rows[("2026-08-01", "School-level decisions")][2] == ""


def test_the_page_reads_a_comparison_a_leader_can_act_on(
    client_for, superintendent, school, flowed
):
    for _ in range(4):
        flowed(took=14, school=school)
    for superseded in (30, 60, None, None):
        flowed(took=5, superseded=superseded)
    page = client_for(superintendent).get(URL).content.decode()
    assert (
        "School-level decisions took 9 days longer from opening to decision than the others "
        "(a median of 14 days against 5) and were superseded within a year less often "
        "(0% against 50%)."
    ) in page
    assert (
        "District-level decisions took 9 days less from opening to decision than the others"
    ) in page


@pytest.mark.parametrize("persona", ["principal", "teacher"])
def test_only_district_leaders_find_the_page(persona, request, client_for):
    response = client_for(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 404
