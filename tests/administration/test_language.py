"""District administrators set the language of people who have not chosen theirs."""

import pytest
from django.urls import reverse

from districts.models import AuditEntry, Role
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def person_form(person, school, **changes):
    return {
        "name": person.name,
        "email": person.email or "",
        "role": person.role,
        "title": person.title,
        "schools": [school.pk],
        "is_active": "on",
        **changes,
    }


def test_an_administrator_sets_the_language_of_someone_who_has_not_chosen(
    client_for, administrator, teacher, school
):
    client = client_for(administrator)
    url = reverse("administration:person", args=[teacher.pk])
    client.post(url, person_form(teacher, school, language="es"))
    teacher.refresh_from_db()
    assert teacher.language == "es" and not teacher.language_chosen
    assert (
        "language: Not set: the browser's language → español"
        in AuditEntry.objects.latest("pk").changes
    )


def test_an_administrator_cannot_override_a_persons_own_choice(
    client_for, administrator, teacher, school
):
    teacher.language, teacher.language_chosen = "en", True
    teacher.save()
    client = client_for(administrator)
    url = reverse("administration:person", args=[teacher.pk])
    assert "Chosen by the person" in client.get(url).content.decode()
    client.post(url, person_form(teacher, school, language="es"))
    teacher.refresh_from_db()
    assert teacher.language == "en"


def test_an_administrator_sets_spanish_for_many_families_at_once_leaving_own_choices(
    client_for, administrator, district, school, teacher
):
    families = [
        make_person(district, Role.FAMILY, f"Family {i}", f"f{i}@cedar.example", [school])
        for i in range(3)
    ]
    families[0].language, families[0].language_chosen = "en", True
    families[0].save()
    client = client_for(administrator)
    assert (
        "Language for many at once" in client.get(reverse("administration:people")).content.decode()
    )
    response = client.post(
        reverse("administration:people_language"),
        {"language": "es", "role": Role.FAMILY, "school": school.pk},
        follow=True,
    )
    assert "Set the language of 2 people who had not chosen one." in response.content.decode()
    languages = {f.name: f.language for f in type(teacher).objects.filter(role=Role.FAMILY)}
    assert languages == {"Family 0": "en", "Family 1": "es", "Family 2": "es"}
    teacher.refresh_from_db()
    assert teacher.language == ""
    assert "language: es for 2 people" in AuditEntry.objects.latest("pk").changes


def test_a_bad_bulk_language_says_so_and_changes_nothing(client_for, administrator, teacher):
    response = client_for(administrator).post(
        reverse("administration:people_language"), {"language": "xx"}, follow=True
    )
    assert "Choose one of the offered languages" in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.language == ""


def test_a_spanish_invitee_chooses_a_password_and_signs_in_all_in_spanish(
    client, administrator, imported, django_capture_on_commit_callbacks
):
    from django.core import mail

    from tests.administration.test_invitations import accept, invite

    imported.language = "es"
    imported.save()
    link = invite(client, administrator, imported, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].subject == "Le invitamos a Roundtable en Cedar Valley"
    page = client.get(client.get(link).url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in page and "Elija su contraseña" in page
    response = accept(client, link)
    sign_in = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Su contraseña está guardada" in sign_in and "Iniciar sesión" in sign_in


def test_the_rosters_preferred_language_is_the_persons_until_they_choose_their_own(
    district, tmp_path
):
    import csv

    from districts.models import User
    from districts.oneroster import import_roster
    from tests.districts.roster_files import ORGS, ROLES, USERS, role, user, write_roster

    district.sourced_id, district.roster_language_column = "d1", "metadata.language"
    district.save()

    def roster(name, languages):
        users = [*USERS, user("ai", "Ola", "Berg"), user("bo", "Bea", "Ortiz")]
        roles = [*ROLES, role("ai", "s1", "aide"), role("bo", "s1", "aide")]
        folder = write_roster(tmp_path / name, orgs=ORGS, users=users, roles=roles)
        rows = list(csv.DictReader((folder / "users.csv").open(newline="")))
        for row in rows:
            row["metadata.language"] = languages.get(row["sourcedId"], "")
        with (folder / "users.csv").open("w", newline="") as file:
            writer = csv.DictWriter(file, [*rows[0].keys()])
            writer.writeheader()
            writer.writerows(rows)
        return folder

    import_roster(roster("first", {"ai": "spa", "bo": "Spanish"}), dry_run=False, district=district)
    assert User.objects.get(sourced_id="ai").language == "es"
    assert User.objects.get(sourced_id="bo").language == "es"

    chooser = User.objects.get(sourced_id="bo")
    chooser.language, chooser.language_chosen = "en", True
    chooser.save()
    import_roster(roster("second", {"ai": "es-MX", "bo": "es"}), dry_run=False, district=district)
    assert User.objects.get(sourced_id="bo").language == "en"
    assert User.objects.get(sourced_id="ai").language == "es"
