from io import StringIO

import pytest
from django.core.management import call_command

from principals.models import AgendaItem, CheckIn, CheckInPair, SchoolBreak

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", "--password", "demo-password-1", stdout=StringIO())


def test_both_districts_get_pairs_meetings_agendas_and_a_break(seeded):
    for slug in ("cedar-valley", "harbor-point"):
        pairs = CheckInPair.objects.filter(district__slug=slug)
        assert pairs.count() == 5
        assert CheckIn.objects.filter(pair__in=pairs, status="held").count() >= 10
        assert CheckIn.objects.filter(pair__in=pairs, status="scheduled").count() >= 10
        assert SchoolBreak.objects.filter(district__slug=slug).exists()
    pair = CheckInPair.objects.get(principal__email="principal@cedarvalley.example")
    assert pair.supervisor.email == "superintendent@cedarvalley.example"


def test_the_demo_sign_ins_see_real_check_ins(seeded, client):
    client.login(username="principal@cedarvalley.example", password="demo-password-1")
    body = client.get("/check-ins/").content.decode()
    assert "Ms. Ortiz is thinking about leaving" in body
    next_meeting = AgendaItem.objects.get(
        text__startswith="Ms. Ortiz", district__slug="cedar-valley"
    ).check_in
    assert client.get(f"/check-ins/{next_meeting.pk}/").status_code == 200
    client.login(username="superintendent@cedarvalley.example", password="demo-password-1")
    body = client.get("/check-ins/").content.decode()
    assert body.count("<dt>Last met</dt>") == 3
    emerging = client.get("/check-ins/emerging/").content.decode()
    assert "Staffing" in emerging
    assert "principals</a> you check in with" in client.get("/").content.decode()
