import datetime

import pytest
from django.contrib import admin
from django.core import mail
from django.urls import reverse

from districts.models import SharedPurpose, User

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


def test_revisions_are_read_only_in_the_admin(it_admin, superintendent):
    from districts import services

    services.purpose_revise(
        district=superintendent.district,
        school=None,
        by=superintendent,
        text="Every student known by name.",
        adopted_on=datetime.date(2026, 9, 1),
    )
    purpose = SharedPurpose.objects.get()
    response = it_admin.get(reverse("admin:districts_sharedpurpose_change", args=[purpose.pk]))
    body = response.content.decode()
    assert "Every student known by name." in body
    assert 'name="revisions-0-text"' not in body


def test_the_admin_shows_a_code_of_cooperation_but_not_its_wording(it_admin, code):
    response = it_admin.get(reverse("admin:districts_codeofcooperation_change", args=[code.pk]))
    body = response.content.decode()
    assert "Grade 4, room 12" in body
    assert "We listen to finish." not in body
    assert "(hidden" in body


def test_the_admin_shows_no_rounding_conversation_notes(it_admin, superintendent, teacher, school):
    from rounding import services as rounding

    visit = rounding.visit_start(school=school, by=superintendent, date=datetime.date(2026, 11, 2))
    visit.summary = "Summary only the visitors read."
    visit.save()
    rounding.conversation_add(
        visit=visit,
        person=teacher,
        working="The new schedule works.",
        concerns="My team lead shouts at us.",
        ideas="Fewer meetings.",
        recognition="Ms Ortiz in the kitchen.",
    )
    body = it_admin.get(
        reverse("admin:rounding_roundingvisit_change", args=[visit.pk])
    ).content.decode()
    assert "Charlie Ramos" in body or str(teacher.pk) in body
    for note in ("new schedule", "shouts", "Fewer meetings", "Ms Ortiz", "Summary only"):
        assert note not in body, note


def test_no_check_in_notes_agendas_or_private_notes_are_in_the_admin():
    from principals.models import AgendaItem, CheckIn, PrivateNote

    for model in (CheckIn, PrivateNote, AgendaItem):
        assert model not in admin.site._registry, model.__name__


def test_notification_rows_show_no_message_body(it_admin, principal):
    from notifications.models import Notification

    notice = Notification.objects.create(
        district=principal.district,
        recipient=principal,
        kind="principals.reminder",
        subject="Check-in with Alice on Tuesday",
        body="Agenda: my worries about the reading coach.",
    )
    for url in (
        reverse("admin:notifications_notification_changelist"),
        reverse("admin:notifications_notification_change", args=[notice.pk]),
    ):
        body = it_admin.get(url).content.decode()
        assert "Check-in with Alice" in body
        assert "reading coach" not in body


def test_an_admin_cannot_set_another_persons_password(it_admin, teacher):
    change = it_admin.get(reverse("admin:districts_user_change", args=[teacher.pk]))
    assert "password/" not in change.content.decode()
    url = reverse("admin:auth_user_password_change", args=[teacher.pk])
    assert it_admin.get(url).status_code == 403
    response = it_admin.post(
        url, {"password1": "a-new-password-42", "password2": "a-new-password-42"}
    )
    assert response.status_code == 403
    teacher.refresh_from_db()
    assert teacher.check_password("a-long-test-password")


def test_an_admin_sends_a_password_reset_link_instead(it_admin, teacher):
    response = it_admin.post(
        reverse("admin:districts_user_changelist"),
        {"action": "send_password_reset_link", "_selected_action": [teacher.pk]},
        follow=True,
    )
    assert "on its way to 1 person" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["charlie@cedar.example"]]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_staff_without_superuser_cannot_open_the_admin_for_people(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("admin:districts_user_changelist"))
    assert response.status_code == 302
