"""An imported person is invited, chooses a password once, and signs in."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from districts.models import AuditEntry, Invitation, Role, User

from .conftest import invitation_link

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-fresh-password-for-nia"


def invite(client, administrator, person, django_capture_on_commit_callbacks):
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("administration:person_invite", args=[person.pk]))
    assert response.status_code == 302
    client.logout()
    return invitation_link(person.email)


def accept(client, link, password=NEW_PASSWORD):
    client.get(link)
    return client.post(
        reverse("invitation_accept"),
        {"new_password1": password, "new_password2": password},
    )


def sign_in(client, email, password=NEW_PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_an_imported_person_accepts_an_invitation_and_signs_in(
    client, administrator, imported, django_capture_on_commit_callbacks
):
    assert not imported.has_usable_password()
    link = invite(client, administrator, imported, django_capture_on_commit_callbacks)
    assert "Nia" in mail.outbox[-1].body

    response = client.get(link)
    assert response.status_code == 302  # the token leaves the address bar
    page = client.get(response.url)
    assert "Choose your password" in page.content.decode()

    response = accept(client, link)
    assert response.url == reverse("login")
    response = sign_in(client, "nia@cedar.example")
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == imported
    entry = AuditEntry.objects.get(object_id=str(imported.pk))
    assert entry.changes == "Sent an invitation to sign in"


def test_a_used_link_is_refused(
    client, administrator, imported, django_capture_on_commit_callbacks
):
    link = invite(client, administrator, imported, django_capture_on_commit_callbacks)
    accept(client, link)
    response = accept(client, link, "another-password-entirely")
    assert response.status_code == 410
    assert "no longer works" in response.content.decode()
    imported.refresh_from_db()
    assert imported.check_password(NEW_PASSWORD)


def test_an_expired_link_is_refused(
    client, administrator, imported, django_capture_on_commit_callbacks, time_machine
):
    link = invite(client, administrator, imported, django_capture_on_commit_callbacks)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=15))
    response = accept(client, link)
    assert response.status_code == 410
    imported.refresh_from_db()
    assert not imported.has_usable_password()


def test_sending_again_replaces_the_link_and_revoking_ends_it(
    client, administrator, imported, django_capture_on_commit_callbacks
):
    first = invite(client, administrator, imported, django_capture_on_commit_callbacks)
    second = invite(client, administrator, imported, django_capture_on_commit_callbacks)
    assert first != second
    assert accept(client, first).status_code == 410
    client.force_login(administrator)
    client.post(reverse("administration:person_revoke", args=[imported.pk]))
    client.logout()
    assert accept(client, second).status_code == 410
    assert Invitation.objects.open().count() == 0
    changes = list(AuditEntry.objects.values_list("changes", flat=True))
    assert "Revoked the invitation" in changes and "Sent the invitation again" in changes


def test_a_deactivated_person_cannot_use_an_invitation_or_sign_in(
    client, administrator, imported, django_capture_on_commit_callbacks
):
    link = invite(client, administrator, imported, django_capture_on_commit_callbacks)
    User.objects.filter(pk=imported.pk).update(is_active=False)
    assert accept(client, link).status_code == 410
    imported.refresh_from_db()
    imported.set_password(NEW_PASSWORD)
    imported.save()
    response = sign_in(client, "nia@cedar.example")
    assert response.status_code == 200  # the form again: refused
    assert not response.context["user"].is_authenticated


def test_students_and_families_are_invited_only_when_the_district_says_so(
    client, administrator, district, school, make_person_in, django_capture_on_commit_callbacks
):
    student = make_person_in(district, Role.STUDENT, "Sam Ito", None, [school])
    User.objects.filter(pk=student.pk).update(email="sam@cedar.example")
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("administration:person_invite", args=[student.pk]))
    assert mail.outbox == []
    district.invite_students_and_families = True
    district.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("administration:person_invite", args=[student.pk]))
    assert [m.to for m in mail.outbox] == [["sam@cedar.example"]]


def test_inviting_a_schools_staff(
    client,
    administrator,
    imported,
    teacher,
    student,
    school,
    district,
    make_person_in,
    django_capture_on_commit_callbacks,
):
    cook = make_person_in(district, Role.STAFF, "Cal Ode", None, [school], "cook")
    User.objects.filter(pk=cook.pk).update(email="cal@cedar.example")
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("administration:bulk_invite"), {"school": school.pk})
    # The teacher already has a password; the student is not invited.
    assert sorted(m.to[0] for m in mail.outbox) == ["cal@cedar.example", "nia@cedar.example"]
    assert "Sent 2 invitations." in client.get(response.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("administration:bulk_invite"), {"school": school.pk})
    assert len(mail.outbox) == 2  # open invitations are not sent twice


def test_the_person_list_shows_each_status(
    client, administrator, imported, teacher, district, make_person_in
):
    gone = make_person_in(district, Role.TEACHER, "Lee Gone", "lee@cedar.example")
    gone.is_active, gone.left_roster_at = False, timezone.now()
    gone.save()
    off = make_person_in(district, Role.TEACHER, "Max Off", "max@cedar.example")
    off.is_active = False
    off.save()
    Invitation.issue(user=imported, by=administrator)
    client.force_login(administrator)
    page = client.get(reverse("administration:people"))
    statuses = {person.name: str(person.status) for person in page.context["page"]}
    assert statuses["Nia Cole"] == "Invited"
    assert statuses["Charlie Ramos"] == "Active"
    assert statuses["Lee Gone"] == "Left"
    assert statuses["Max Off"] == "Deactivated"
    left = client.get(reverse("administration:people"), {"status": "left"})
    assert [p.name for p in left.context["page"]] == ["Lee Gone"]


def test_inviting_a_school_takes_the_same_queries_for_5_or_40_people(
    client, administrator, district, school, make_person_in, django_capture_on_commit_callbacks
):
    def staff(count, start):
        for number in range(start, start + count):
            person = make_person_in(district, Role.TEACHER, f"T {number}", None, [school])
            User.objects.filter(pk=person.pk).update(email=f"t{number}@cedar.example")

    client.force_login(administrator)
    counts = []
    for count, start in ((5, 0), (40, 100)):
        staff(count, start)
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=False),
        ):
            client.post(reverse("administration:bulk_invite"), {"school": school.pk})
        counts.append(len(queries))
    assert Invitation.objects.open().count() == 45
    assert counts[0] == counts[1]
