"""What anyone can type into a query string: text nobody types and ids that cannot be ids are
a 400, never a database error (PostgreSQL refuses a NUL in text; SQLite an id past 2**63)."""

import pytest
from django.urls import reverse

from districts.models import School
from districts.pickers import PICKER_THRESHOLD

pytestmark = pytest.mark.django_db

NUL = "Al\x00der"
HUGE = "99999999999999999999"


@pytest.fixture
def many_schools(district):
    return School.objects.bulk_create(
        School(district=district, name=f"Birch School {i:03}") for i in range(PICKER_THRESHOLD + 1)
    )


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("districts:schools", {"q": NUL}),
        ("districts:teams", {"q": NUL}),
        ("districts:people", {"q": NUL}),
        ("districts:people", {"q": "x" * 201}),
    ],
)
def test_a_nul_or_a_page_of_text_in_a_search_is_a_bad_request(
    url_name, params, superintendent, school, team, client_for
):
    response = client_for(superintendent).get(reverse(url_name), params)
    assert response.status_code == 400


def test_a_nul_in_the_people_page_school_search_is_a_bad_request(
    superintendent, many_schools, client_for
):
    response = client_for(superintendent).get(reverse("districts:people"), {"school_find": NUL})
    assert response.status_code == 400


@pytest.mark.parametrize("source", ["schools", "teams", "people", "staff"])
def test_a_nul_in_a_picker_search_is_a_bad_request(source, superintendent, school, client_for):
    response = client_for(superintendent).get(
        reverse("districts:picker", args=[source]), {"name": "f", "f_find": NUL}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("value", [HUGE, "abc", "-1", "0", "9" * 5000])
def test_a_picker_school_that_cannot_be_an_id_is_a_bad_request(
    value, superintendent, school, client_for
):
    response = client_for(superintendent).get(
        reverse("districts:picker", args=["people"]),
        {"name": "f", "f_find": "Bob", "school": value},
    )
    assert response.status_code == 400


def test_a_picker_school_of_another_district_finds_nobody(
    superintendent, principal, school, other_school, client_for
):
    client = client_for(superintendent)
    url = reverse("districts:picker", args=["people"])
    mine = client.get(url, {"name": "f", "f_find": "Bob", "school": school.pk})
    assert "Bob Lindqvist" in mine.content.decode()
    theirs = client.get(url, {"name": "f", "f_find": "Bob", "school": other_school.pk})
    assert theirs.status_code == 200
    assert "Bob Lindqvist" not in theirs.content.decode()


@pytest.mark.parametrize("long_list", [False, True])
def test_a_huge_school_id_on_the_people_page_is_a_form_error(
    long_list, superintendent, school, client_for, request
):
    if long_list:
        request.getfixturevalue("many_schools")
    response = client_for(superintendent).get(reverse("districts:people"), {"school": HUGE})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_ordinary_searches_still_find(superintendent, school, team, client_for):
    client = client_for(superintendent)
    assert (
        "Alder Creek" in client.get(reverse("districts:schools"), {"q": "alder"}).content.decode()
    )
    body = client.get(reverse("districts:people"), {"q": "alice"}).content.decode()
    assert "Alice Okafor" in body
