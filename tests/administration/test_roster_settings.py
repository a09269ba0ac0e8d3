"""The roster import's choices on the district's settings page: role mapping and language."""

import csv

import pytest
from django.urls import reverse

from districts.models import AuditEntry, Role, User
from districts.oneroster import import_roster

from ..districts.roster_files import ORGS, ROLES, USERS, role, user, write_roster
from .test_pages import SETTINGS_AS_THEY_ARE

pytestmark = pytest.mark.django_db


def post(client, **changes):
    data = {"name": "Cedar Valley", "timezone": "America/Chicago", **SETTINGS_AS_THEY_ARE}
    return client.post(reverse("administration:settings"), {**data, **changes}, follow=True)


def test_the_settings_page_offers_the_role_mapping_with_its_defaults(client_for, administrator):
    page = client_for(administrator).get(reverse("administration:settings")).text

    assert "Roster role “aide” becomes" in page
    assert "Staff (the default)" in page
    assert "Roster role “administrator” at the district becomes" in page
    assert "District leader (the default)" in page
    assert "preferred-language column" in page.lower()


def test_mapping_choices_are_saved_logged_and_used_by_the_next_import(
    client_for, administrator, district, tmp_path
):
    response = post(
        client_for(administrator),
        roster_aide="teacher",
        roster_administrator_at_school="teacher_leader",
        roster_language_column="metadata.language",
    )

    assert "Saved the changes" in response.text
    district.refresh_from_db()
    assert district.roster_roles == {"aide": "teacher", "administrator@school": "teacher_leader"}
    changes = AuditEntry.objects.get().changes
    assert "roster role “aide” becomes: Staff (the default) → Teacher" in changes
    assert "preferred-language column: — → metadata.language" in changes

    district.sourced_id = "d1"
    district.save()
    users = [*USERS, user("ai", "Ola", "Berg")]
    folder = write_roster(
        tmp_path / "r", orgs=ORGS, users=users, roles=[*ROLES, role("ai", "s1", "aide")]
    )
    rows = list(csv.DictReader((folder / "users.csv").open(newline="")))
    rows[-1]["metadata.language"] = "es"
    with (folder / "users.csv").open("w", newline="") as file:
        writer = csv.DictWriter(file, [*rows[0].keys(), "metadata.language"])
        writer.writeheader()
        writer.writerows(rows)

    import_roster(folder, dry_run=False, district=district)

    aide = User.objects.get(sourced_id="ai")
    assert (aide.role, aide.preferred_language) == (Role.TEACHER, "es")
    assert User.objects.get(sourced_id="pr").role == Role.TEACHER_LEADER
    assert User.objects.get(sourced_id="dl").role == Role.DISTRICT_LEADER


def test_a_mapping_to_no_role_of_ours_is_an_error_that_keeps_the_form(
    client_for, administrator, district
):
    response = post(client_for(administrator), roster_aide="wizard")

    assert "Select a valid choice" in response.text
    district.refresh_from_db()
    assert district.roster_roles == {}
