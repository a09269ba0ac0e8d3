import pytest
from django.contrib import admin
from django.urls import reverse

from districts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def it_admin(client):
    user = User.objects.create_superuser("it@cedar.example", "a-long-admin-password")
    client.force_login(user)
    return client


def test_every_admin_list_and_add_page_opens(it_admin, code, team, teacher):
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert it_admin.get(reverse(f"{name}_changelist")).status_code == 200, name
        assert it_admin.get(reverse(f"{name}_add")).status_code in (200, 403), name


def test_admin_adds_a_roster_person_with_a_password(it_admin, district):
    response = it_admin.post(
        reverse("admin:districts_user_add"),
        {
            "email": "New.Person@Cedar.example",
            "name": "New Person",
            "district": district.pk,
            "role": "teacher",
            "password1": "a-long-new-password-1",
            "password2": "a-long-new-password-1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(name="New Person")
    assert person.email == "new.person@cedar.example"
    assert person.check_password("a-long-new-password-1")


def test_revisions_are_read_only_in_the_admin(it_admin, code):
    response = it_admin.get(reverse("admin:districts_codeofcooperation_change", args=[code.pk]))
    body = response.content.decode()
    assert "We listen to finish." in body
    assert 'name="revisions-0-text"' not in body


def test_staff_without_superuser_cannot_open_the_admin_for_people(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("admin:districts_user_changelist"))
    assert response.status_code == 302
