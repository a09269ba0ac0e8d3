"""Each API list reads a page in a handful of queries, the same with 5 rows or 50."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from decisions import services as decision_services
from decisions.models import Stakeholder
from districts.models import School, Theme
from principals.models import CheckIn
from rounding import services as rounding_services

from .conftest import API

# The token (and, once a minute, its last use), the person's teams and schools, the rows,
# and one query per list of related rows (themes, visitors, schools).
BUDGET = 8


@pytest.fixture
def build(district, school, team, superintendent, principal, make_person_in, make_pair):
    def make(rows: int) -> dict:
        now = timezone.now()
        today = timezone.localdate(timezone=ZoneInfo(district.timezone))
        theme = Theme.objects.create(district=district, name="Workload")
        people = [
            make_person_in(district, "teacher", f"Teacher {i}", f"t{i}@cedar.example", [school])
            for i in range(rows)
        ]
        decisions = []
        for i in range(rows):
            decision = decision_services.decision_create(
                district=district,
                by=superintendent,
                title=f"Decision {i}",
                context="c",
                owning_team=team,
                domain="schedule",
                process_type="consent",
                stakeholders=[
                    {"kind": Stakeholder.Kind.SCHOOL, "school": school, "involvement": "affected"},
                    {
                        "kind": Stakeholder.Kind.PERSON,
                        "person": people[i],
                        "involvement": "consulted",
                    },
                ],
                input_opens=now - datetime.timedelta(days=1),
                input_closes=now + datetime.timedelta(days=5),
            )
            decision_services.decision_open_input(decision=decision, by=superintendent)
            decisions.append(decision)
        big = decisions[0]
        for i, person in enumerate(people):
            decision_services.input_give(
                decision=big,
                by=person,
                kind="concern",
                text=f"Input {i}",
                anonymous=i % 2 == 0,
                themes=[theme],
            )
            stake = {"kind": Stakeholder.Kind.PERSON, "person": person, "involvement": "informed"}
            decision_services.stakeholder_add(decision=big, by=superintendent, **stake)
        visit = None
        for i in range(rows):
            at = school if i % 2 else School.objects.create(district=district, name=f"School {i}")
            visit = rounding_services.visit_start(
                school=at, by=superintendent, date=today, visitors=[principal]
            )
            conversation = rounding_services.conversation_add(
                visit=visit, person=people[i], concerns="c", themes=[theme]
            )
            rounding_services.conversation_add(visit=visit, name=f"Cook {i}", role_group="cook")
            rounding_services.follow_up_create(
                school=at,
                by=superintendent,
                conversation=conversation,
                what=f"F{i}",
                owner=principal,
                due_on=today,
            )
        pair = make_pair(superintendent, principal, school)
        for i in range(rows):
            CheckIn.objects.create(
                district=district,
                pair=pair,
                scheduled_at=now - datetime.timedelta(days=14 * (i + 1)),
                status="held",
                pulse=3,
                shared_notes="s",
            )
        return {"big": big, "visit": visit}

    return make


def paths(data) -> dict[str, str]:
    big = data["big"].pk
    return {
        "decisions": "/decisions",
        "decision": f"/decisions/{big}",
        "stakeholders": f"/decisions/{big}/stakeholders",
        "input": f"/decisions/{big}/input",
        "visits": "/visits",
        "visit": f"/visits/{data['visit'].pk}",
        "follow-ups": "/follow-ups",
        "check-ins": "/check-ins",
        "schools": "/schools",
        "people": "/people",
    }


ONE_ROW = {"decision", "visit"}


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize("reader", ["superintendent", "principal", "teacher"])
def test_every_list_stays_within_its_budget(
    rows, reader, build, request, client, token_for, django_assert_max_num_queries
):
    data = build(rows)
    secret = token_for(request.getfixturevalue(reader))
    for name, path in paths(data).items():
        with django_assert_max_num_queries(BUDGET):
            response = client.get(
                f"{API}{path}",
                {} if name in ONE_ROW else {"limit": 100},
                HTTP_AUTHORIZATION=f"Bearer {secret}",
            )
        assert response.status_code in (200, 404), name
        if response.status_code == 200 and "items" in response.json():
            # A full page really was read: the budget holds for the rows, not for none.
            assert reader != "superintendent" or response.json()["items"], name
