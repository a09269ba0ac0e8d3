"""The roster drives accounts: dropped people are deactivated and shown as left, returning
people come back, and date_joined is when their first role began."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from districts.models import User

from .roster_files import ROLES, USERS, role, run, write_roster

pytestmark = pytest.mark.django_db


def test_a_person_dropped_from_the_roster_is_deactivated_and_comes_back(tmp_path, roster):
    run(roster)
    teacher = User.objects.get(sourced_id="t1")
    teacher.set_password("a-long-test-password")
    teacher.save()

    without = write_roster(
        tmp_path / "without",
        users=[u for u in USERS if u["sourcedId"] != "t1"],
        roles=[r for r in ROLES if r["userSourcedId"] != "t1"],
    )
    out, _ = run(without)
    teacher.refresh_from_db()
    assert not teacher.is_active
    assert teacher.left_roster_at is not None
    assert "1 person no longer in the roster" in out
    # History is kept: the row, the schools and the password are still there.
    assert teacher.schools.exists() and teacher.has_usable_password()

    run(roster)
    teacher.refresh_from_db()
    assert teacher.is_active and teacher.left_roster_at is None


def test_a_roster_listing_nobody_in_a_district_deactivates_nobody(tmp_path, roster):
    run(roster)
    out = StringIO()
    # A run that imports nobody fails, with the summary still written first.
    with pytest.raises(CommandError, match=r"^imported nobody: users.csv lists nobody\.$"):
        call_command(
            "import_oneroster",
            str(write_roster(tmp_path / "empty", users=[], roles=[])),
            stdout=out,
            stderr=StringIO(),
        )
    assert User.objects.filter(is_active=False).count() == 0
    assert "lists nobody in 'Maple Valley Schools'" in out.getvalue()


def test_someone_an_administrator_deactivated_stays_deactivated(roster):
    run(roster)
    User.objects.filter(sourced_id="t1").update(is_active=False)
    run(roster)
    assert not User.objects.get(sourced_id="t1").is_active


def test_tobedeleted_then_listed_again_comes_back(tmp_path, roster):
    run(roster)
    leaving = [dict(u, status="tobedeleted") if u["sourcedId"] == "pr" else u for u in USERS]
    run(write_roster(tmp_path / "leaving", users=leaving))
    assert User.objects.get(sourced_id="pr").left_roster_at is not None
    run(roster)
    assert User.objects.get(sourced_id="pr").is_active


def test_date_joined_is_the_earliest_begin_date_of_the_roles(tmp_path):
    roles = [r for r in ROLES if r["userSourcedId"] != "t1"]
    roles += [
        role("t1", "s1", "teacher", beginDate="2019-08-20"),
        role("t1", "s2", "teacher", role_type="secondary", beginDate="2024-01-05"),
    ]
    run(write_roster(tmp_path / "r", roles=roles))
    joined = User.objects.get(sourced_id="t1").date_joined
    zone = ZoneInfo("America/Chicago")
    assert joined.astimezone(zone).date() == datetime.date(2019, 8, 20)
    assert User.objects.get(sourced_id="pr").date_joined.astimezone(zone).date() == (
        datetime.date(2025, 8, 15)
    )


def test_a_person_who_left_is_shown_as_left(client_for, superintendent, teacher):
    User.objects.filter(pk=teacher.pk).update(is_active=False, left_roster_at=timezone.now())
    client = client_for(superintendent)
    assert "Left" in client.get(reverse("districts:person", args=[teacher.pk])).content.decode()
    assert (
        '<span class="tag">Left</span>' in client.get(reverse("districts:people")).content.decode()
    )
