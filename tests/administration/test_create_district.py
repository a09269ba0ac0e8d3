from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from districts.models import AuditEntry, District, User

from .conftest import invitation_link

pytestmark = pytest.mark.django_db(transaction=True)


def create(*args):
    out = StringIO()
    call_command("create_district", *args, stdout=out)
    return out.getvalue()


def test_a_district_is_created_and_its_first_administrator_invited(client):
    out = create(
        "Pine Ridge Schools",
        "--admin-email=IT@PineRidge.Example",
        "--admin-name=Pat Quinn",
        "--timezone=America/Denver",
    )
    district = District.objects.get(slug="pine-ridge-schools")
    admin = User.objects.get(email="it@pineridge.example")
    assert admin.district == district and admin.is_district_admin
    assert "invitation to sign in is on its way to it@pineridge.example" in out
    actors = set(AuditEntry.objects.filter(district=district).values_list("actor_name", flat=True))
    assert actors == {"manage.py create_district"}

    client.get(invitation_link("it@pineridge.example"))
    password = "pine-ridge-admin-password"
    client.post(
        reverse("invitation_accept"), {"new_password1": password, "new_password2": password}
    )
    client.post(reverse("login"), {"username": "it@pineridge.example", "password": password})
    assert client.get(reverse("administration:people")).status_code == 200
    assert len(mail.outbox) == 1


def test_a_taken_address_or_bad_zone_is_a_clear_error(outsider):
    with pytest.raises(CommandError, match="already belongs"):
        create("Pine", "--admin-email=olga@harbor.example", "--admin-name=O")
    with pytest.raises(CommandError, match="time zone"):
        create("Pine", "--admin-email=p@pine.example", "--admin-name=P", "--timezone=Mars/Base")
    assert not District.objects.filter(name="Pine").exists()
