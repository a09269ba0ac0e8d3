"""A person's rounding history: every conversation with them, for those who may read notes."""

import datetime

import pytest
from django.urls import reverse

from rounding import services

pytestmark = pytest.mark.django_db


def test_leader_reads_every_conversation_with_a_person_newest_first(
    client_for, superintendent, school, cook, theme
):
    spring = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 3, 2))
    services.conversation_add(visit=spring, person=cook, concerns="Oven too small", themes=[theme])
    autumn = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 9, 1))
    services.conversation_add(visit=autumn, person=cook, working="New oven works")
    response = client_for(superintendent).get(reverse("rounding:person", args=[cook.pk]))
    assert response.status_code == 200
    text = response.text
    assert text.index("New oven works") < text.index("Oven too small")
    assert "Sep 1, 2026" in text and "Mar 2, 2026" in text
    assert theme.name in text
    assert "2 conversations" in text


def test_principal_and_teacher_cannot_read_anyones_notes(
    client_for, principal, teacher, conversation
):
    url = reverse("rounding:person", args=[conversation.person_id])
    assert client_for(principal).get(url).status_code == 404
    assert client_for(teacher).get(url).status_code == 404


def test_a_visitor_reads_only_the_conversations_of_their_own_visits(
    client_for, superintendent, principal, school, cook
):
    theirs = services.visit_start(school=school, by=principal, date=datetime.date(2026, 9, 1))
    services.conversation_add(visit=theirs, person=cook, working="Shared with Bob")
    other = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 9, 2))
    services.conversation_add(visit=other, person=cook, working="Only Alice heard")
    response = client_for(principal).get(reverse("rounding:person", args=[cook.pk]))
    assert response.status_code == 200
    assert "Shared with Bob" in response.text
    assert "Only Alice heard" not in response.text


def test_briefing_links_people_met_to_their_history(
    client_for, superintendent, conversation, school
):
    response = client_for(superintendent).get(reverse("rounding:briefing", args=[school.pk]))
    assert reverse("rounding:person", args=[conversation.person_id]) in response.text
    assert "The walk-in freezer door does not seal." in response.text


def test_history_page_query_budget(
    client_for, superintendent, school, cook, theme, django_assert_max_num_queries
):
    client = client_for(superintendent)
    for day in range(1, 21):
        visit = services.visit_start(
            school=school, by=superintendent, date=datetime.date(2026, 9, day)
        )
        services.conversation_add(visit=visit, person=cook, working=f"Day {day}", themes=[theme])
    client.get(reverse("rounding:person", args=[cook.pk]))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("rounding:person", args=[cook.pk])).status_code == 200
