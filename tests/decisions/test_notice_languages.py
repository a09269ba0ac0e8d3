"""One action, each person in their own language: notices, e-mails, digests, invitations,
reminders and password resets are written in the recipient's language, never the sender's."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from decisions import notices
from districts.models import Role
from districts.tasks import send_password_reset
from notifications import outbox
from notifications.models import EmailMode, Notification, NotificationSettings
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent(district, school):
    person = make_person(district, Role.FAMILY, "Lucía Ramírez", "lucia@cedar.example", [school])
    person.language = "es"
    person.save()
    return person


def mail_to(person):
    return [m for m in mail.outbox if m.to == [person.email]]


def test_one_decision_opening_tells_an_english_teacher_and_a_spanish_parent_each_in_theirs(
    open_decision, teacher, parent
):
    with translation.override("es"):  # whoever acts, in whatever language, changes nothing
        notices.window_opened_send(open_decision)
    outbox.due_emails_send()

    english = Notification.objects.get(recipient=teacher, kind="decisions.window_opened")
    spanish = Notification.objects.get(recipient=parent, kind="decisions.window_opened")
    assert english.subject == "Your input is invited: Later start for the middle schools"
    assert spanish.subject == "Se invita su aporte: Later start for the middle schools"
    closes = open_decision.input_closes.astimezone(ZoneInfo("America/Chicago"))
    assert f"{closes:%b} {closes.day}, {closes.year}" in english.body
    months = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]
    assert f"{closes.day} {months[closes.month - 1]} {closes.year}" in spanish.body
    assert "está abierta a aportes hasta el" in spanish.body

    [to_teacher], [to_parent] = mail_to(teacher), mail_to(parent)
    assert to_teacher.body.startswith("Hello Charlie,")
    assert to_parent.body.startswith("Hola, Lucía:")
    assert "Se invita su aporte" in to_parent.subject and "Your input" not in to_parent.body


def test_the_daily_digest_is_in_the_recipients_language(open_decision, parent, settings):
    NotificationSettings.objects.create(user=parent, email_mode=EmailMode.DAILY)
    notices.window_opened_send(open_decision)
    outbox.daily_digest_send(parent.pk)
    [digest] = mail_to(parent)
    assert digest.subject == "Roundtable: 1 novedad para usted"
    assert "Esto es lo que pasó en Roundtable" in digest.body


def test_an_invitation_is_written_in_the_invitees_language(
    client_for, district, school, django_capture_on_commit_callbacks
):
    admin = make_person(district, Role.STAFF, "Ivy Tran", "ivy@cedar.example", [school])
    admin.is_district_admin = True
    admin.save()
    invitee = make_person(district, Role.TEACHER, "Nia Cole", None, [school])
    invitee.email, invitee.language = "nia@cedar.example", "es"
    invitee.save()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin).post(
            reverse("administration:person_invite", args=[invitee.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
    outbox.due_emails_send()
    [invitation] = mail_to(invitee)
    assert invitation.subject == "Le invitamos a Roundtable en Cedar Valley"
    assert "Abra el enlace de abajo para elegir su contraseña" in invitation.body


def test_a_password_reset_reaches_a_spanish_reader_in_spanish(parent):
    parent.set_password("a-long-test-password")
    parent.save()
    send_password_reset(parent.email)
    [reset] = mail_to(parent)
    assert reset.subject == "Restablezca su contraseña de Roundtable"
    assert reset.body.startswith("Hola, Lucía:")


def test_a_check_in_reminder_reaches_each_person_in_theirs(
    make_pair, superintendent, principal, school, time_machine
):
    from principals.models import CheckIn
    from principals.reminders import reminders_send

    principal.language = "es"
    principal.save()
    pair = make_pair(superintendent, principal, school)
    start = datetime.datetime(2026, 10, 6, 9, tzinfo=ZoneInfo("America/Chicago"))
    CheckIn.objects.create(district=pair.district, pair=pair, scheduled_at=start)
    time_machine.move_to(start - datetime.timedelta(hours=1, minutes=50))
    reminders_send()
    subjects = dict(
        Notification.objects.filter(kind__startswith="principals.").values_list(
            "recipient__name", "subject"
        )
    )
    assert subjects[superintendent.name].startswith("Check-in with Bob")
    assert subjects[principal.name].startswith("Encuentro con Alice")
