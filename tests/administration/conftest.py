import re

import pytest
from django.core import mail

from districts.models import Role
from tests.conftest import make_person


@pytest.fixture
def administrator(district, school):
    person = make_person(district, Role.STAFF, "Ivy Tran", "ivy@cedar.example", [school], "IT")
    person.is_district_admin = True
    person.save()
    return person


@pytest.fixture
def other_administrator(other_district):
    person = make_person(other_district, Role.STAFF, "Otto Berg", "otto@harbor.example")
    person.is_district_admin = True
    person.save()
    return person


@pytest.fixture
def imported(district, school):
    """Someone the roster brought in: no password yet."""
    person = make_person(district, Role.TEACHER, "Nia Cole", None, [school])
    person.email = "nia@cedar.example"
    person.sourced_id = "t-nia"
    person.save()
    return person


def invitation_link(to: str) -> str:
    """The path of the invitation link in the last e-mail to `to`."""
    message = [m for m in mail.outbox if m.to == [to]][-1]
    return re.search(r"https?://[^/\s]+(/invitation/[^\s]+/)", message.body).group(1)
