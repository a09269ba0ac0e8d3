from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from districts.models import District, GuidingPrinciple, LeadershipTeam, Role, SharedPurpose, User
from home import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    out = StringIO()
    call_command("seed_demo", "--password", "demo-password-1", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_two_districts_with_everything_the_pages_need(seeded):
    assert District.objects.count() == 2
    for district in District.objects.all():
        assert district.schools.count() == 6
        people = User.objects.filter(district=district)
        assert 38 <= people.count() <= 45
        assert set(people.values_list("role", flat=True)) == set(Role.values)
        assert people.filter(title="cook").exists()
        assert people.filter(title="new teacher").exists()
        assert LeadershipTeam.objects.filter(district=district).count() >= 2
        assert SharedPurpose.objects.filter(district=district, school__isnull=False).exists()
        assert GuidingPrinciple.objects.filter(district=district, varies__isnull=False).exists()


def test_every_listed_demo_sign_in_works(seeded, client):
    for _who, email in demo.sign_ins():
        assert email in seeded
        assert client.login(username=email, password="demo-password-1"), email


def test_demo_superintendents_see_only_their_own_district(seeded, client):
    client.login(username="superintendent@harborpoint.example", password="demo-password-1")
    body = client.get("/schools/").content.decode()
    assert "Lighthouse Elementary" in body
    assert "Alder Creek Elementary" not in body


def test_seed_demo_refuses_a_database_that_has_districts(seeded):
    with pytest.raises(CommandError, match="already has districts"):
        call_command("seed_demo")
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "not added" in out.getvalue()
    assert District.objects.count() == 2


def test_the_demos_emails_tell_times_in_each_districts_zone(
    time_machine, django_capture_on_commit_callbacks, mailoutbox
):
    import datetime
    import re

    # 03:30 UTC on 2 December is still the evening of 1 December in both districts.
    time_machine.move_to(datetime.datetime(2026, 12, 2, 3, 30, tzinfo=datetime.UTC))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--password", "demo-password-1", stdout=StringIO())
    assert mailoutbox
    zones = {"cedarvalley.example": "Dec 1, 2026 21:30 CST", "harborpoint.example": "22:30 EST"}
    for message in mailoutbox:
        stamp = next(v for k, v in zones.items() if message.to[0].endswith(k))
        assert stamp in message.body, message.body
        assert not re.search(r"\d\d:\d\d UTC", message.body)


def test_the_demo_journey_shows_a_dip_the_climb_out_of_it_and_the_milestones(seeded, client):
    import csv
    import io

    from django.core.cache import cache

    cache.clear()
    client.login(username="superintendent@cedarvalley.example", password="demo-password-1")
    page = client.get("/insights/journey/").content.decode()
    assert "New grading policy" in page
    assert "Late-start Wednesdays begin" in page
    response = client.get("/insights/journey/", {"export": "months"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    pulses = [float(row[1]) for row in rows if row[1]]
    assert len(pulses) >= 6
    lowest = pulses.index(min(pulses))
    assert 0 < lowest < len(pulses) - 1  # a dip, with months before and after it
    assert max(pulses[lowest:]) - min(pulses) >= 1  # and a way out of it
    assert any(row[5] for row in rows)  # follow-ups done shown
