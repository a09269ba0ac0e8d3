"""Open rounding follow-ups at the pair's school are offered as agenda items."""

import datetime

import pytest
from django.urls import reverse

from principals.models import AgendaItem
from rounding import services as rounding

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(make_check_in):
    return make_check_in(datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC))


def follow_up_at(school, superintendent, principal, what, status=None):
    follow_up = rounding.follow_up_create(
        school=school,
        by=superintendent,
        what=what,
        owner=principal,
        due_on=datetime.date(2026, 12, 15),
    )
    if status:
        follow_up.change_status(to=status, by=principal, reason="Done and checked")
    return follow_up


def test_open_follow_ups_are_suggested_and_done_ones_are_not(
    client_for, principal, superintendent, school, meeting
):
    follow_up_at(school, superintendent, principal, "Fix the freezer seal")
    follow_up_at(school, superintendent, principal, "Paint the gym", status="green")
    response = client_for(principal).get(reverse("principals:check_in", args=[meeting.pk]))
    texts = [s["follow_up"].what for s in response.context["suggestions"]]
    assert texts == ["Fix the freezer seal"]


def test_follow_ups_of_another_school_are_not_suggested(
    client_for, principal, superintendent, district, school, meeting, make_person_in
):
    from districts.models import School

    elsewhere = School.objects.create(district=district, name="Birchwood")
    follow_up_at(elsewhere, superintendent, principal, "Birchwood roof")
    response = client_for(principal).get(reverse("principals:check_in", args=[meeting.pk]))
    assert response.context["suggestions"] == []


def test_adding_a_suggestion_puts_it_on_the_agenda_once(
    client_for, principal, superintendent, school, meeting
):
    follow_up_at(school, superintendent, principal, "Fix the freezer seal")
    client = client_for(principal)
    suggestion = client.get(reverse("principals:check_in", args=[meeting.pk])).context[
        "suggestions"
    ][0]
    client.post(
        reverse("principals:agenda_add", args=[meeting.pk]),
        {"kind": "problem", "text": suggestion["text"]},
    )
    assert AgendaItem.objects.get(check_in=meeting).text.startswith("Rounding follow-up: Fix")
    response = client.get(reverse("principals:check_in", args=[meeting.pk]))
    assert response.context["suggestions"] == []
