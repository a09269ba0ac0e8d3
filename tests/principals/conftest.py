"""A supervisor (the superintendent) and the principal of Alder Creek, meeting every other Tuesday."""

import datetime

import pytest
from django.utils import timezone

from principals.models import CheckIn, CheckInPair


@pytest.fixture
def pair(make_pair, superintendent, principal, school) -> CheckInPair:
    return make_pair(superintendent, principal, school)


@pytest.fixture
def make_check_in(pair):
    def make(when: datetime.datetime, status=CheckIn.Status.SCHEDULED, on_pair=None, **fields):
        on_pair = on_pair or pair
        return CheckIn.objects.create(
            district_id=on_pair.district_id,
            pair=on_pair,
            scheduled_at=when,
            cadence_on=when.date(),
            status=status,
            **fields,
        )

    return make


@pytest.fixture
def assistant(district, make_person_in):
    return make_person_in(
        district,
        "district_leader",
        "Ada Moreno",
        "ada@cedar.example",
        title="assistant superintendent",
    )


@pytest.fixture
def admin_user(district, make_person_in):
    user = make_person_in(district, "staff", "Ivy Admin", "ivy@cedar.example", title="IT")
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return user


SOON = datetime.timedelta(days=3)


def url(check_in, suffix=""):
    return f"/check-ins/{check_in.pk}/{suffix}"


@pytest.fixture
def upcoming(make_check_in):
    return make_check_in(timezone.now() + SOON)


@pytest.fixture
def past(make_check_in):
    return make_check_in(timezone.now() - datetime.timedelta(days=11), status=CheckIn.Status.HELD)
