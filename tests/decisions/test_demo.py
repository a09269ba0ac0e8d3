from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from decisions.models import Decision, DecisionRight, Input, Reflection, Status
from districts.models import District, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", "--password", "demo-password-1", stdout=StringIO())


def test_demo_has_decisions_in_every_state_for_both_districts(seeded):
    for district in District.objects.all():
        decisions = Decision.objects.filter(district=district)
        assert set(decisions.values_list("status", flat=True)) == set(Status.values)
        assert decisions.exclude(flag_codes=[]).exists()
        assert decisions.filter(superseded_by__isnull=False).exists()
        assert Input.objects.filter(district=district, is_anonymous=True).exists()
        assert Input.objects.filter(district=district, is_anonymous=False).exists()
        assert Reflection.objects.filter(district=district).exists()
        assert DecisionRight.objects.filter(district=district).count() >= 10


def test_demo_sign_ins_see_real_content(seeded, client):
    teacher = User.objects.get(email="teacher@cedarvalley.example")
    client.force_login(teacher)
    body = client.get(reverse("decisions:affects_me")).content.decode()
    assert "Later start time" in body and "Input closes in" in body
    home = client.get("/").content.decode()
    assert "Decisions open for your input" in home and "Later start time" in home
    for email in (
        "superintendent@cedarvalley.example",
        "principal@cedarvalley.example",
        "community@cedarvalley.example",
        "superintendent@harborpoint.example",
    ):
        client.force_login(User.objects.get(email=email))
        for url in (
            reverse("decisions:list"),
            reverse("decisions:affects_me"),
            reverse("decisions:flagged"),
            reverse("decisions:rights"),
        ):
            assert client.get(url).status_code == 200
    for decision in Decision.objects.filter(district__slug="cedar-valley"):
        client.force_login(User.objects.get(email="superintendent@cedarvalley.example"))
        assert client.get(decision.get_absolute_url()).status_code in (200, 404)
    assert (
        "Competency-based report cards"
        in client.get(reverse("decisions:public", args=["cedar-valley"])).content.decode()
    )
