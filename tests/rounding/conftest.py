"""Rounding fixtures: a visit to Alder Creek with a cook, a follow-up and a celebration."""

import datetime

import pytest

from districts.models import Theme
from rounding import services


@pytest.fixture
def cook(district, school, make_person_in):
    return make_person_in(district, "staff", "Rosa Ibarra", None, [school], title="cook")


@pytest.fixture
def theme(district):
    return Theme.objects.create(district=district, name="Facilities")


@pytest.fixture
def visit(school, superintendent):
    return services.visit_start(
        school=school, by=superintendent, date=datetime.date(2026, 10, 5), purpose="Kitchen"
    )


@pytest.fixture
def conversation(visit, cook, theme):
    return services.conversation_add(
        visit=visit,
        person=cook,
        working="The new menu is popular.",
        concerns="The walk-in freezer door does not seal.",
        themes=[theme],
    )


@pytest.fixture
def follow_up(conversation, school, superintendent, principal):
    return services.follow_up_create(
        school=school,
        by=superintendent,
        conversation=conversation,
        what="Replace the freezer door seal",
        heard="Kitchen equipment is failing",
        owner=principal,
        due_on=datetime.date(2026, 10, 20),
    )


@pytest.fixture
def celebration(visit, school, superintendent, cook):
    return services.celebration_record(
        school=school, visit=visit, by=superintendent, person=cook, what="Forty new recipes"
    )


@pytest.fixture
def other_visit(other_school, outsider):
    return services.visit_start(school=other_school, by=outsider, date=datetime.date(2026, 10, 5))


@pytest.fixture
def other_conversation(other_visit):
    return services.conversation_add(
        visit=other_visit, name="Sam", role_group="student", working="Harbor lunch is good."
    )


@pytest.fixture
def other_follow_up(other_conversation, other_school, outsider):
    return services.follow_up_create(
        school=other_school,
        by=outsider,
        conversation=other_conversation,
        what="Harbor thing",
        owner=outsider,
        due_on=datetime.date(2026, 10, 20),
    )


@pytest.fixture
def other_celebration(other_visit, other_school, outsider):
    return services.celebration_record(
        school=other_school, visit=other_visit, by=outsider, name="Harbor cook", what="Harbor win"
    )
