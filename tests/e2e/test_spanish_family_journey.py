"""A Spanish-reading parent, invited by e-mail, reads Roundtable in Spanish on a phone.

The demo district: the parent's language is set to Spanish by an administrator (an English
reader), the invitation arrives in Spanish, and the parent chooses a password, signs in and
reads their home, the public decisions, the school's celebrations and their inbox
with no English message of the project's own on any of them. Axe checks every page (conftest).
"""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import RequestFactory
from playwright.sync_api import expect

from administration.invitations import invitations_send
from decisions import notices
from decisions.models import Decision, Status
from districts.models import District, Role, User
from notifications import outbox
from notifications.models import Notification
from tests.test_spanish_pages import english_messages, page_text

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "una-contraseña-larga-de-prueba"


def english_on(page) -> list[str]:
    text = page_text(page.content())
    return sorted(message for message in english_messages() if message in text)


def test_a_spanish_reading_parent_is_invited_and_reads_everything_in_spanish(
    page, live_server, screenshot
):
    call_command("seed_demo", "--password", "demo-password-1", stdout=StringIO())
    district = District.objects.order_by("pk").first()
    district.invite_students_and_families = True
    district.save()
    parent = (
        User.objects.filter(district=district, role=Role.FAMILY, schools__isnull=False)
        .exclude(email=None)
        .order_by("pk")
        .first()
    )
    parent.language = "es"
    parent.save()
    # The demo wrote its notices before the language was set: the parent's come again, now.
    Notification.objects.filter(recipient=parent).delete()
    school = parent.schools.order_by("pk").first()
    for decision in Decision.objects.filter(district=district, status=Status.OPEN_FOR_INPUT):
        notices.window_opened_send(decision)

    mail.outbox.clear()
    request = RequestFactory().post("/administration/", HTTP_ACCEPT_LANGUAGE="en")
    request.user = User.objects.get(district=district, is_district_admin=True)
    invitations_send(people=[parent], by=request.user, request=request)
    outbox.due_emails_send()
    [invitation] = [m for m in mail.outbox if m.to == [parent.email]][-1:]
    assert invitation.subject.startswith("Le invitamos a Roundtable")
    assert "Abra el enlace de abajo para elegir su contraseña" in invitation.body
    link = re.search(r"https?://[^/\s]+(/invitation/[^\s]+/)", invitation.body).group(1)

    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", name="Elija su contraseña")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    screenshot("es-1-choose-password")
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="Guardar mi contraseña").click()

    expect(page.get_by_text("Su contraseña está guardada")).to_be_visible()
    screenshot("es-2-sign-in")
    page.locator("input[name=username]").fill(parent.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_attached()

    left = {}
    for name, path in [
        ("home", "/"),
        ("public-decisions", f"/decisions/public/{district.slug}/"),
        ("celebrations", f"/rounding/celebrations/school/{school.pk}/"),
        ("inbox", "/inbox/"),
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == "es"
        screenshot(f"es-3-{name}")
        if found := english_on(page):
            left[path] = found
    assert not left, left
    expect(page.locator("body")).to_contain_text("Se invita su aporte")
