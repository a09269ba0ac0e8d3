"""Decisions at every stage of the process, for the Cedar Valley personas."""

import datetime

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import Decision, DecisionRight, Involvement, Stakeholder, Visibility


@pytest.fixture
def window():
    now = timezone.now()
    return now - datetime.timedelta(days=1), now + datetime.timedelta(days=5)


@pytest.fixture
def make_decision(district, team, superintendent, window):
    def make(
        title="Later start for the middle schools",
        *,
        visibility=Visibility.DISTRICT,
        stakeholders=(),
        owning_team=team,
        by=superintendent,
        dist=district,
        **fields,
    ):
        fields.setdefault("domain", "schedule")
        return services.decision_create(
            district=dist,
            by=by,
            title=title,
            context="Buses, sleep and first period.",
            owning_team=owning_team,
            visibility=visibility,
            stakeholders=stakeholders,
            **fields,
        )

    return make


@pytest.fixture
def open_decision(make_decision, school, superintendent, window):
    """Open for input, consulting Alder Creek's teachers and affecting everyone there."""
    decision = make_decision(
        stakeholders=[
            {
                "kind": Stakeholder.Kind.ROLE,
                "role": "teacher",
                "school": school,
                "involvement": Involvement.CONSULTED,
            },
            {
                "kind": Stakeholder.Kind.SCHOOL,
                "school": school,
                "involvement": Involvement.AFFECTED,
            },
        ],
        input_opens=window[0],
        input_closes=window[1],
    )
    services.decision_open_input(decision=decision, by=superintendent)
    decision.refresh_from_db()
    return decision


@pytest.fixture
def rights(district, team):
    return DecisionRight.objects.create(
        district=district, domain="schedule", level="district", team=team, authority="decides"
    )


@pytest.fixture
def other_decision(other_district, other_team, outsider):
    return services.decision_create(
        district=other_district,
        by=outsider,
        title="Harbor bus routes",
        context="Routes.",
        owning_team=other_team,
        visibility=Visibility.PUBLIC,
        status="deciding",
    )


def decided(decision: Decision, by, *, outcome="Start at 8:45.", rationale="Sleep matters."):
    if decision.status == "open_for_input":
        decision.close_input(by=by)
    services.decision_decide(decision=decision, by=by, outcome=outcome, rationale=rationale)
    decision.refresh_from_db()
    return decision
