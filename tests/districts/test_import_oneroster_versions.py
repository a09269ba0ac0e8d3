"""OneRoster 1.1 and 1.2 as districts export them: versions, org types, and forgiving files."""

import csv

import pytest
from django.core.management import CommandError

from districts.models import Role, School, User

from .roster_files import (
    MANIFEST,
    ORG_COLUMNS,
    ORGS,
    ROLE_COLUMNS,
    ROLES,
    USER_COLUMNS,
    USERS,
    org,
    role,
    run,
    summary,
    user,
    write_csv,
    write_roster,
    write_roster_1_1,
)


def roles_and_schools() -> dict[str, tuple[str, list[str]]]:
    return {
        person.sourced_id: (person.role, sorted(s.sourced_id for s in person.schools.all()))
        for person in User.objects.prefetch_related("schools")
    }


@pytest.mark.django_db
def test_a_oneroster_1_1_export_imports_roles_from_users_csv(tmp_path):
    out, _ = run(write_roster_1_1(tmp_path / "v11"))

    assert roles_and_schools() == {
        "sup": (Role.DISTRICT_LEADER, []),
        "pr": (Role.PRINCIPAL, ["s1"]),
        "t1": (Role.TEACHER, ["s1", "s2"]),
        "st1": (Role.STUDENT, ["s1"]),
        "pa1": (Role.FAMILY, ["s1"]),
        "ai1": (Role.STAFF, ["s2"]),
    }
    assert "OneRoster 1.1 bulk" in out
    assert "users:     6 created, 0 updated, 0 unchanged, 0 bad rows" in out


@pytest.mark.django_db
def test_a_1_1_row_with_an_unknown_role_is_a_row_error_on_its_users_csv_line(tmp_path):
    users = [
        user("t1", "Dev", "Patel", orgSourcedIds="s1", role="teacher"),
        user("x", "Ivo", "Kerr", orgSourcedIds="s1", role="wizard"),
    ]
    out, _ = run(write_roster_1_1(tmp_path / "v11", users=users))

    assert "users.csv line 3: unknown role 'wizard'" in out
    assert not User.objects.filter(sourced_id="x").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_an_export_without_a_manifest_is_read_by_its_columns(tmp_path, version):
    if version == "1.1":
        folder = write_roster_1_1(tmp_path / "v11", manifest=None)
    else:
        folder = write_roster(tmp_path / "v12")
        (folder / "manifest.csv").unlink()

    out, _ = run(folder)

    assert f"OneRoster {version} bulk" in out
    assert User.objects.get(sourced_id="t1").role == Role.TEACHER


@pytest.mark.django_db
def test_a_department_places_its_people_in_the_school_above_it(tmp_path):
    orgs = [*ORGS, org("dep", "Science Department", "department", "s2")]
    roles = [*ROLES, role("sci", "dep", "teacher")]
    users = [*USERS, user("sci", "Iris", "Lowe")]
    out, _ = run(write_roster(tmp_path / "r", orgs=orgs, users=users, roles=roles))

    science = User.objects.get(sourced_id="sci")
    assert list(science.schools.values_list("sourced_id", flat=True)) == ["s2"]
    assert science.role == Role.TEACHER
    assert "1 department or other org below a school or district" in out


@pytest.mark.django_db
def test_people_of_a_department_right_below_the_district_are_imported(tmp_path):
    orgs = [
        org("d1", "Maple Valley Schools", "district"),
        org("dep", "Central Office", "department", "d1"),
    ]
    users = USERS[:6]
    roles = [
        role(u["sourcedId"], "dep", name)
        for u, name in zip(
            users, ["administrator"] * 2 + ["teacher", "aide", "student", "student"], strict=True
        )
    ]
    out, _ = run(write_roster(tmp_path / "r", orgs=orgs, users=users, roles=roles))

    assert "users:     6 created" in out
    assert User.objects.get(sourced_id="sup").role == Role.SUPERINTENDENT
    assert not School.objects.exists()


@pytest.mark.django_db
def test_an_org_type_the_import_cannot_place_is_a_row_error(tmp_path):
    orgs = [*ORGS, org("c1", "North Campus", "campus", "d1"), org("st", "State", "state")]
    roles = [*ROLES, role("x", "c1", "teacher"), role("y", "st", "teacher")]
    users = [*USERS, user("x", "Ivo", "Kerr"), user("y", "Jo", "Park")]
    out, _ = run(write_roster(tmp_path / "r", orgs=orgs, users=users, roles=roles))

    assert "orgs.csv line 5: unknown org type 'campus'" in out
    assert "org 'st' is a state, above any district: it places nobody" in out
    assert not User.objects.filter(sourced_id__in=["x", "y"]).exists()
    assert User.objects.count() == 7


@pytest.mark.django_db
def test_a_run_that_imports_nobody_fails_with_the_reason_on_one_line(tmp_path):
    roles = [role(r["userSourcedId"], r["orgSourcedId"], "wizard") for r in ROLES]
    folder = write_roster(tmp_path / "r", roles=roles)

    with pytest.raises(CommandError) as error:
        run(folder)

    message = str(error.value)
    assert message.startswith("imported nobody: all 7 people in users.csv were refused;")
    assert "no role for 'sup' in roles.csv" in message
    assert "\n" not in message


@pytest.mark.django_db
def test_a_school_without_a_parent_belongs_to_the_only_district(tmp_path):
    orgs = [*ORGS[:2], org("s2", "Valley High School", "school", "")]
    out, _ = run(write_roster(tmp_path / "r", orgs=orgs))

    assert School.objects.get(sourced_id="s2").district.sourced_id == "d1"
    assert "unknown district" not in out


@pytest.mark.django_db
def test_a_school_without_a_parent_among_two_districts_is_a_row_error(tmp_path):
    orgs = [*ORGS[:2], org("d2", "Other", "district"), org("s2", "Valley High", "school", "")]
    out, _ = run(write_roster(tmp_path / "r", orgs=orgs))

    assert (
        "orgs.csv line 5: no parentSourcedId, and the roster has 2 districts to choose from" in out
    )
    assert "unknown district ''" not in out


@pytest.mark.django_db
def test_trailing_empty_header_columns_do_not_fail_the_rows(tmp_path):
    folder = write_roster(tmp_path / "r")
    lines = (folder / "roles.csv").read_text().splitlines()
    (folder / "roles.csv").write_text("\n".join([lines[0] + ",,", *lines[1:]]) + "\n")

    out, _ = run(folder)

    assert "roles:     8 read, 0 bad rows" in out
    assert "users:     7 created" in out


@pytest.mark.django_db
def test_bom_crlf_quoted_newlines_extra_columns_and_enumeration_case_are_read(tmp_path):
    folder = tmp_path / "r"
    write_roster(
        folder, manifest={k: v.upper() if k.startswith("file.") else v for k, v in MANIFEST.items()}
    )
    orgs = [
        org("d1", "Maple Valley Schools", "District"),
        org("s1", "Maple Elementary", "SCHOOL", "d1"),
        org("s2", "Valley High School", "School", "d1"),
    ]
    users = [
        user("t1", "Dev", "Patel", shoeSize="44"),
        user("st1", "Fay", "Nguyen\nLe", status="ToBeDeleted", email="fay@maple.example"),
    ]
    roles = [
        role("t1", "s1", "Teacher", role_type="PRIMARY"),
        role("st1", "s2", "STUDENT", role_type="Primary"),
    ]
    write_csv(folder / "orgs.csv", ORG_COLUMNS, orgs, encoding="utf-8-sig")
    with (folder / "users.csv").open("w", newline="", encoding="utf-8-sig") as file:
        writer = csv.DictWriter(
            file, [*USER_COLUMNS, "shoeSize"], restval="", lineterminator="\r\n"
        )
        writer.writeheader()
        writer.writerows(users)
    write_csv(folder / "roles.csv", ROLE_COLUMNS, roles)

    out, _ = run(folder)

    assert "0 bad rows" in summary(out, "users")
    teacher = User.objects.get(sourced_id="t1")
    assert (teacher.role, teacher.is_active) == (Role.TEACHER, True)
    student = User.objects.get(sourced_id="st1")
    assert (student.name, student.is_active) == ("Fay Nguyen Le", False)
    assert set(School.objects.values_list("sourced_id", flat=True)) == {"s1", "s2"}


@pytest.mark.django_db
def test_a_row_with_more_values_than_the_header_is_still_an_error(tmp_path):
    folder = write_roster(tmp_path / "r")
    lines = (folder / "roles.csv").read_text().splitlines()
    (folder / "roles.csv").write_text("\n".join([*lines, lines[-1] + ",surprise"]) + "\n")

    out, _ = run(folder)

    assert "roles.csv line 10: has 10 fields but the header has 9" in out


DEPARTMENT_ONLY = [org("dep", "History Department", "department", "a-school-not-exported")]


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_roster_whose_only_org_is_a_department_imports_into_the_named_district(
    tmp_path, version, district
):
    if version == "1.1":
        users = [
            user(u["sourcedId"], u["givenName"], u["familyName"], orgSourcedIds="dep", role=name)
            for u, name in zip(USERS[3:], ["teacher", "teacher", "student", "parent"], strict=True)
        ]
        folder = write_roster_1_1(tmp_path / "r", orgs=DEPARTMENT_ONLY, users=users)
    else:
        roles = [role(u["sourcedId"], "dep", "teacher") for u in USERS]
        folder = write_roster(tmp_path / "r", orgs=DEPARTMENT_ONLY, roles=roles)

    out, _ = run(folder, "--district", district.slug)

    people = User.objects.filter(district=district).exclude(sourced_id="")
    assert people.count() == (4 if version == "1.1" else 7)
    assert "department 'dep' (orgs.csv line 2): unknown org 'a-school-not-exported'" in out
    assert not School.objects.filter(district=district).exclude(sourced_id="").exists()


@pytest.mark.django_db
def test_a_roster_without_a_district_needs_one_named(tmp_path):
    roles = [role(u["sourcedId"], "dep", "teacher") for u in USERS]
    folder = write_roster(tmp_path / "r", orgs=DEPARTMENT_ONLY, roles=roles)

    with pytest.raises(CommandError) as error:
        run(folder)

    assert str(error.value) == (
        "orgs.csv lists no district; import it into an existing one with --district <slug>, "
        "or upload it on that district's administration page."
    )


@pytest.mark.django_db
def test_importing_into_a_district_refuses_the_orgs_of_another(tmp_path, district):
    district.sourced_id = "cedar"
    district.save()

    with pytest.raises(CommandError, match=r"^imported nobody: .* orgs.csv line 2: district 'd1'"):
        run(write_roster(tmp_path / "r"), "--district", district.slug)
