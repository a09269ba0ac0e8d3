import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_baseline_page_shows_the_district_with_one_query_beyond_session_and_user(
    client_for, teacher
):
    client = client_for(teacher)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("baseline"))
    assert response.status_code == 200
    assert "Cedar Valley" in response.content.decode()
    # The session, the user, and the district by primary key.
    assert len(queries) == 3
    assert 'FROM "districts_district"' in queries[-1]["sql"]


def test_baseline_page_asks_visitors_to_sign_in(client):
    response = client.get(reverse("baseline"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
