"""Long choice lists: a plain select while short, a search-as-you-type picker when long.

The search only ever finds what the signed-in person may see in their own district, and an
id that is not a choice is a form error, never a 500.
"""

import pytest
from django.urls import reverse

from decisions.models import Visibility
from districts.models import LeadershipTeam, School
from districts.pickers import PICKER_THRESHOLD

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_schools(district):
    """One school past the threshold: the school filter turns into a picker."""
    return School.objects.bulk_create(
        School(district=district, name=f"Birch School {i:03}") for i in range(PICKER_THRESHOLD + 1)
    )


def find(client, source, name, text, **params):
    return client.get(
        reverse("districts:picker", args=[source]), {"name": name, f"{name}_find": text, **params}
    )


# ----- below and above the threshold


def test_a_short_school_list_stays_a_plain_select(superintendent, school, client_for):
    body = client_for(superintendent).get(reverse("decisions:list")).content.decode()
    assert '<select name="school"' in body
    assert f'<option value="{school.pk}">Alder Creek Elementary</option>' in body
    assert 'name="school_find"' not in body


def test_a_long_school_list_becomes_a_picker_with_the_choice_checked(
    superintendent, school, many_schools, client_for
):
    response = client_for(superintendent).get(reverse("decisions:list"), {"school": school.pk})
    body = response.content.decode()
    assert '<select name="school"' not in body
    assert "Birch School 100" not in body  # no option per school any more
    assert 'name="school_find"' in body
    assert f'<input type="radio" name="school" value="{school.pk}" checked> Alder Creek' in body
    assert '<input type="radio" name="school" value=""> Any school' in body


def test_with_no_choice_the_picker_checks_any_school(superintendent, many_schools, client_for):
    body = client_for(superintendent).get(reverse("decisions:affects_me")).content.decode()
    assert '<input type="radio" name="school" value="" checked> Any school' in body


def test_the_picker_search_box_does_not_drive_the_filter_form(
    superintendent, many_schools, client_for
):
    """The list's own search reacts to `q`; the picker's box has its own name and target."""
    body = client_for(superintendent).get(reverse("decisions:list")).content.decode()
    box = body[body.index('name="school_find"') - 200 : body.index('name="school_find"') + 600]
    assert 'name="q"' not in box
    assert 'hx-target="#id_school_found"' in box
    assert 'hx-push-url="false"' in box
    assert "change from:.picker-choices" in body  # choosing a found school filters


def test_without_javascript_sending_the_search_shows_the_matches(
    superintendent, school, many_schools, client_for
):
    response = client_for(superintendent).get(reverse("decisions:list"), {"school_find": "Alder"})
    body = response.content.decode()
    assert f'<input type="radio" name="school" value="{school.pk}"> Alder Creek' in body
    assert "Birch School" not in body


def test_the_new_decision_form_uses_the_picker_for_many_teams(superintendent, district, client_for):
    LeadershipTeam.objects.bulk_create(
        LeadershipTeam(district=district, name=f"Team {i:03}") for i in range(PICKER_THRESHOLD + 1)
    )
    body = client_for(superintendent).get(reverse("decisions:create")).content.decode()
    assert 'name="owning_team_find"' in body
    assert "Team 100" not in body


# ----- the suggestions: scoped to the district and to what the person may see


def test_search_finds_the_districts_schools_as_radios_of_the_field(
    superintendent, school, client_for
):
    response = find(client_for(superintendent), "schools", "school", "alder")
    assert response.status_code == 200
    assert (
        f'<input type="radio" name="school" value="{school.pk}"> Alder Creek Elementary'
        in response.content.decode()
    )


def test_search_never_finds_another_districts_rows(
    superintendent, school, other_school, other_team, outsider, client_for
):
    client = client_for(superintendent)
    for source, text in (("schools", "Lighthouse"), ("teams", "Harbor"), ("people", "Olga")):
        body = find(client, source, "field", text).content.decode()
        assert "Nothing matches" in body
        assert 'type="radio"' not in body
    outsider_sees = find(client_for(outsider), "schools", "school", "Alder").content.decode()
    assert 'type="radio"' not in outsider_sees


def test_a_community_member_finds_staff_but_not_students(
    community_member, student, teacher, client_for
):
    client = client_for(community_member)
    assert 'type="radio"' not in find(client, "people", "person", "Eli").content.decode()
    assert "Charlie Ramos" in find(client, "people", "person", "Charlie").content.decode()


def test_staff_search_leaves_out_students(superintendent, student, teacher, client_for):
    client = client_for(superintendent)
    assert (
        "checkbox"
        not in find(client, "staff", "participants", "Eli", multiple="1").content.decode()
    )
    body = find(client, "staff", "participants", "Charlie", multiple="1").content.decode()
    assert f'<input type="checkbox" name="participants" value="{teacher.pk}">' in body


def test_people_at_another_districts_school_are_never_found(
    superintendent, other_school, outsider, client_for
):
    body = find(
        client_for(superintendent), "people", "participants", "Olga", school=other_school.pk
    ).content.decode()
    assert 'type="checkbox"' not in body


def test_signed_out_visitors_are_sent_to_sign_in(client, school):
    response = find(client, "schools", "school", "Alder")
    assert response.status_code == 302
    assert "Alder" not in response.content.decode()


def test_an_unknown_list_is_404_and_an_odd_field_name_400(superintendent, client_for):
    client = client_for(superintendent)
    assert find(client, "secrets", "school", "a").status_code == 404
    response = client.get(reverse("districts:picker", args=["schools"]), {"name": '"><b>'})
    assert response.status_code == 400


def test_a_long_search_says_to_type_more(superintendent, many_schools, client_for):
    body = find(client_for(superintendent), "schools", "school", "Birch").content.decode()
    assert body.count('type="radio"') == 20
    assert "type more to narrow" in body


def test_an_empty_search_finds_nothing(superintendent, school, client_for):
    response = find(client_for(superintendent), "schools", "school", "  ")
    assert response.status_code == 200
    assert response.content.decode() == ""


# ----- ids that are not a choice


@pytest.mark.parametrize("long_list", [False, True])
@pytest.mark.parametrize("value", ["other-district", "abc", "99999999999999999999", "-1"])
def test_a_school_that_is_not_a_choice_is_a_form_error(
    long_list, value, superintendent, other_school, client_for, request
):
    if long_list:
        request.getfixturevalue("many_schools")
    value = str(other_school.pk) if value == "other-district" else value
    for url in (reverse("decisions:list"), reverse("decisions:affects_me")):
        response = client_for(superintendent).get(url, {"school": value})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert "Lighthouse" not in response.content.decode()


def test_a_team_of_another_district_is_a_form_error_on_the_people_and_decision_forms(
    superintendent, other_team, other_school, client_for
):
    client = client_for(superintendent)
    body = client.get(reverse("districts:people"), {"school": other_school.pk}).content.decode()
    assert "Select a valid choice" in body
    response = client.post(
        reverse("decisions:create"),
        {
            "title": "Buses",
            "context": "c",
            "domain": "schedule",
            "owning_team": other_team.pk,
            "process_type": "consent",
            "visibility": Visibility.DISTRICT,
            "save": "0",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_participants_from_another_district_are_a_form_error(superintendent, outsider, client_for):
    response = client_for(superintendent).post(
        reverse("districts:purpose_revise"),
        {"text": "We learn together.", "adopted_on": "2026-09-01", "participants": [outsider.pk]},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_rounding_forms_use_the_picker_in_a_large_district(
    superintendent, school, many_schools, client_for
):
    client = client_for(superintendent)
    start = client.get(reverse("rounding:visit_start")).content.decode()
    assert '<select name="school"' not in start and 'name="school_find"' in start
    visits = client.get(reverse("rounding:visits")).content.decode()
    assert '<select name="school"' not in visits and 'name="school_find"' in visits
    # A school picked from the search still starts the visit.
    response = client.post(
        reverse("rounding:visit_start"),
        {"school": many_schools[-1].pk, "date": "2026-11-20", "purpose": ""},
    )
    assert response.status_code == 302
