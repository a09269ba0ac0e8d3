"""Pages work in the signed-in person's district time zone, and the district comes with the user."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_signed_in_pages_use_the_districts_time_zone(client_for, superintendent, rf):
    from districts.middleware import DistrictTimeZoneMiddleware

    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        seen["today"] = timezone.localdate()

    request = rf.get("/")
    request.user = superintendent
    # 03:00 UTC on 6 October is still the evening of 5 October in Chicago.
    with time_machine.travel(datetime.datetime(2026, 10, 6, 3, tzinfo=datetime.UTC)):
        DistrictTimeZoneMiddleware(view)(request)
    assert seen == {"zone": "America/Chicago", "today": datetime.date(2026, 10, 5)}
    assert timezone.get_current_timezone_name() == "UTC"


def test_the_district_is_loaded_with_the_signed_in_user(
    client_for, superintendent, django_assert_num_queries
):
    client = client_for(superintendent)
    response = client.get(reverse("baseline"))
    user = response.wsgi_request.user
    with django_assert_num_queries(0):
        assert user.district.name == "Cedar Valley"


def test_each_district_sees_its_own_zone(client_for, outsider):
    response = client_for(outsider).get(reverse("baseline"))
    assert response.status_code == 200
    assert response.wsgi_request.user.district.timezone == "America/New_York"
