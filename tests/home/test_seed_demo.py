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
