"""The decision page shows the newest page of input; "Show more" brings the next, same rules."""

import datetime

import pytest
from django.urls import reverse

from decisions import services
from decisions.models import Input, Stakeholder
from decisions.views import INPUT_PAGE_SIZE
from districts.models import User
from districts.pickers import PICKER_THRESHOLD

pytestmark = pytest.mark.django_db

SECRET_TEXT = "The late bus leaves my students stranded"


@pytest.fixture
def voices(open_decision, make_person_in, district, school):
    """A page and a half of named input, given today."""
    people = [
        make_person_in(district, "teacher", f"Voice {i:02}", f"v{i}@cedar.example", [school])
        for i in range(INPUT_PAGE_SIZE + 5)
    ]
    for i, person in enumerate(people):
        services.input_give(
            decision=open_decision, by=person, kind="idea", text=f"Idea {i}", anonymous=False
        )
    return people


@pytest.fixture
def older_anonymous_input(open_decision, teacher, voices):
    """The teacher's anonymous input, given a week ago: not on the first page."""
    entry = services.input_give(
        decision=open_decision, by=teacher, kind="concern", text=SECRET_TEXT, anonymous=True
    )
    Input.objects.filter(pk=entry.pk).update(given_on=entry.given_on - datetime.timedelta(days=7))
    return entry


def more_url(decision, page):
    return f"{reverse('decisions:input_page', args=[decision.pk])}?page={page}"


def test_the_page_shows_the_newest_input_and_a_way_to_the_rest(
    open_decision, voices, older_anonymous_input, superintendent, client_for
):
    body = client_for(superintendent).get(open_decision.get_absolute_url()).content.decode()
    assert body.count('<li class="input-') == INPUT_PAGE_SIZE
    assert f"{INPUT_PAGE_SIZE + 6} voices" in body
    assert "Show more input (6 not shown yet)" in body
    assert SECRET_TEXT not in body  # a week older than every other voice


def test_show_more_brings_the_rest_without_naming_the_anonymous_author(
    open_decision, older_anonymous_input, teacher, superintendent, client_for
):
    response = client_for(superintendent).get(more_url(open_decision, 2))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<li class="input-') == 6
    assert SECRET_TEXT in body
    assert "Anonymous" in body
    assert teacher.name not in body
    assert "Charlie" not in body
    assert teacher.email not in body
    assert older_anonymous_input.anonymous_key not in body
    assert "Show more input" not in body  # nothing left after this page


def test_without_javascript_the_link_opens_the_next_page_of_input(
    open_decision, older_anonymous_input, teacher, superintendent, client_for
):
    response = client_for(superintendent).get(open_decision.get_absolute_url(), {"input": 2})
    body = response.content.decode()
    assert SECRET_TEXT in body
    assert "Showing 26 to 31" in body
    assert "Back to the newest" in body


def test_deciders_can_answer_input_on_later_pages(
    open_decision, older_anonymous_input, superintendent, client_for
):
    body = client_for(superintendent).get(more_url(open_decision, 2)).content.decode()
    assert reverse("decisions:respond", args=[open_decision.pk, older_anonymous_input.pk]) in body


def test_a_teacher_gets_no_answer_forms_in_the_fragment(
    open_decision, older_anonymous_input, teacher, client_for
):
    body = client_for(teacher).get(more_url(open_decision, 2)).content.decode()
    assert SECRET_TEXT in body
    assert "Save the answer" not in body


def test_the_fragment_follows_the_decisions_visibility(
    open_decision, voices, outsider, client_for, client
):
    assert client.get(more_url(open_decision, 2)).status_code == 302  # signed out
    assert client_for(outsider).get(more_url(open_decision, 2)).status_code == 404


@pytest.mark.parametrize("number", ["abc", "-3", "0", "99999999999999999999", "9999"])
def test_odd_page_numbers_never_fail(open_decision, voices, superintendent, client_for, number):
    client = client_for(superintendent)
    assert client.get(open_decision.get_absolute_url(), {"input": number}).status_code == 200
    assert client.get(more_url(open_decision, number)).status_code == 200


def test_one_anonymous_input_each_is_still_known_on_a_long_page(
    open_decision, older_anonymous_input, teacher, client_for
):
    body = client_for(teacher).get(open_decision.get_absolute_url()).content.decode()
    assert "You have already given anonymous input here" in body


def test_the_stakeholder_picker_lists_nobody_of_a_large_roster(
    make_decision, superintendent, district, client_for
):
    User.objects.bulk_create(
        User(district=district, name=f"Zed Person {i:03}", role="teacher", email=None)
        for i in range(PICKER_THRESHOLD + 1)
    )
    decision = make_decision()
    body = client_for(superintendent).get(decision.get_absolute_url()).content.decode()
    assert 'name="person_find"' in body
    assert "Zed Person 001" not in body
    assert '<select name="team"' in body  # the short lists stay selects


def test_a_person_of_another_district_cannot_be_added_through_the_picker(
    make_decision, superintendent, outsider, client_for
):
    decision = make_decision()
    response = client_for(superintendent).post(
        reverse("decisions:stakeholder_add", args=[decision.pk]),
        {"involvement": "consulted", "kind": Stakeholder.Kind.PERSON, "person": outsider.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert "Choose who and how they are involved." in response.content.decode()
    assert not decision.stakeholders.filter(person=outsider).exists()
