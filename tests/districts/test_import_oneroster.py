import csv
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from districts.models import District, Role, School, User
from districts.oneroster import TextProgress, guess_level, map_role

from .roster_files import (
    MANIFEST,
    ORG_COLUMNS,
    ORGS,
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
)


@pytest.mark.django_db
def test_good_folder_imports_district_schools_and_people(roster):
    out, err = run(roster)

    district = District.objects.get()
    assert (district.name, district.slug, district.sourced_id) == (
        "Maple Valley Schools",
        "maple-valley-schools",
        "d1",
    )
    levels = dict(School.objects.values_list("sourced_id", "level"))
    assert levels == {"s1": School.Level.ELEMENTARY, "s2": School.Level.HIGH}
    roles = dict(User.objects.values_list("sourced_id", "role"))
    assert roles == {
        "sup": Role.SUPERINTENDENT,
        "dl": Role.DISTRICT_LEADER,
        "pr": Role.PRINCIPAL,
        "t1": Role.TEACHER,
        "cook": Role.STAFF,
        "st1": Role.STUDENT,
        "pa1": Role.FAMILY,
    }
    teacher = User.objects.get(sourced_id="t1")
    assert teacher.district == district
    assert sorted(teacher.schools.values_list("sourced_id", flat=True)) == ["s1", "s2"]
    assert not User.objects.get(sourced_id="dl").schools.exists()
    assert "districts: 1 created, 0 updated, 0 unchanged, 0 bad rows" in out
    assert "schools:   2 created, 0 updated, 0 unchanged, 0 bad rows" in out
    assert "users:     7 created, 0 updated, 0 unchanged, 0 bad rows" in out
    assert "roles:     8 read, 0 bad rows" in out
    assert "users    [##############################] 100%  7/7" in err


@pytest.mark.django_db
def test_good_zip_with_roster_in_a_subfolder(tmp_path, roster):
    archive = tmp_path / "roster.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in roster.iterdir():
            zipped.write(file, f"export-2025-09-01/{file.name}")

    out, _ = run(archive)

    assert "users:     7 created" in out
    assert User.objects.filter(district__sourced_id="d1").count() == 7


@pytest.mark.django_db
def test_second_import_changes_nothing(roster):
    run(roster)
    out, _ = run(roster)

    assert summary(out, "districts").startswith("districts: 0 created, 0 updated, 1 unchanged")
    assert summary(out, "schools").startswith("schools:   0 created, 0 updated, 2 unchanged")
    assert summary(out, "users").startswith("users:     0 created, 0 updated, 7 unchanged")
    assert User.objects.count() == 7


@pytest.mark.django_db
def test_changed_name_and_moved_teacher_are_updated(tmp_path, roster):
    run(roster)
    users = [user("t1", "Dev", "Patel-Kim", email="dev.patel@maple.example"), *USERS[4:]]
    users += [user("pr", "Cleo", "Marsh")]
    roles = [role("t1", "s2", "teacher"), *ROLES[5:], role("pr", "s1", "administrator")]
    orgs = [*ORGS[:2], org("s2", "Valley Senior High", "school", "d1")]
    changed = write_roster(tmp_path / "changed", orgs=orgs, users=users, roles=roles)

    out, _ = run(changed)

    teacher = User.objects.get(sourced_id="t1")
    assert teacher.name == "Dev Patel-Kim"
    assert list(teacher.schools.values_list("sourced_id", flat=True)) == ["s2"]
    assert School.objects.get(sourced_id="s2").name == "Valley Senior High"
    assert "schools:   0 created, 1 updated, 1 unchanged" in out
    assert "users:     0 created, 1 updated, 4 unchanged" in out
    # People missing from a later file are left alone, not deleted.
    assert User.objects.count() == 7


@pytest.mark.django_db
def test_dry_run_leaves_nothing(roster):
    out, _ = run(roster, "--dry-run")

    assert "Dry run" in out
    assert "users:     7 created" in out
    assert not District.objects.exists()
    assert not School.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_missing_column_is_one_clear_error(roster):
    rows = list(csv.reader((roster / "users.csv").open(newline="")))
    without_id = [row[1:] for row in rows]
    with (roster / "users.csv").open("w", newline="") as file:
        csv.writer(file).writerows(without_id)

    with pytest.raises(CommandError, match=r"^users.csv has no sourcedId column \(its columns"):
        run(roster)
    assert not District.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("latin-1", r"^users.csv is not UTF-8 text \(byte 0xe9 on line 3\)"),
        ("utf-16", r"^users.csv is UTF-16 text"),
    ],
)
def test_wrong_encoding_is_one_clear_error(roster, encoding, message):
    users = [USERS[0], user("x", "José", "Peña")]
    write_csv(roster / "users.csv", USER_COLUMNS, users, encoding=encoding)

    with pytest.raises(CommandError, match=message):
        run(roster)


@pytest.mark.django_db
def test_utf8_with_byte_order_mark_is_accepted(roster):
    write_csv(roster / "users.csv", USER_COLUMNS, USERS, encoding="utf-8-sig")
    write_csv(roster / "orgs.csv", ORG_COLUMNS, ORGS, encoding="utf-8-sig")

    out, _ = run(roster)

    assert "users:     7 created" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("no manifest nor users.csv", r"has no manifest.csv"),
        ("not a zip", r"is neither a folder nor a zip file"),
        ("missing path", r"does not exist"),
        ("empty file", r"^roles.csv is empty\.$"),
        ("bulk and delta", r"mixes bulk \(orgs, roles\) and delta \(users\) files"),
        ("oneroster 1.0", r"says OneRoster 1.0; this import reads OneRoster 1.1 and 1.2"),
        ("1.1 manifest, 1.2 files", r"^users.csv has no role, orgSourcedIds columns"),
        ("file not there", r"^roles.csv is missing from"),
    ],
)
def test_broken_roster_is_one_clear_error(tmp_path, roster, breakage, message):
    path = roster
    if breakage == "no manifest nor users.csv":
        (roster / "manifest.csv").unlink()
        (roster / "users.csv").unlink()
    elif breakage == "not a zip":
        path = tmp_path / "roster.zip"
        path.write_text("sourcedId,name\n")
    elif breakage == "missing path":
        path = tmp_path / "nowhere"
    elif breakage == "empty file":
        (roster / "roles.csv").write_bytes(b"")
    elif breakage == "bulk and delta":
        write_roster(roster, manifest=MANIFEST | {"file.users": "delta"})
    elif breakage == "oneroster 1.0":
        write_roster(roster, manifest=MANIFEST | {"oneroster.version": "1.0"})
    elif breakage == "1.1 manifest, 1.2 files":
        write_roster(roster, manifest=MANIFEST | {"oneroster.version": "1.1"})
    elif breakage == "file not there":
        (roster / "roles.csv").unlink()

    with pytest.raises(CommandError, match=message) as error:
        run(path)
    assert "\n" not in str(error.value)


@pytest.mark.django_db
def test_unknown_org_is_reported_while_other_rows_import(tmp_path):
    users = [
        *USERS,
        user("x1", "Hal", "Lee", primaryOrgSourcedId="nowhere"),
        user("x2", "Ivy", "Ko"),
    ]
    roles = [*ROLES, role("x2", "s9", "teacher")]
    orgs = [*ORGS, org("s3", "Lost School", "school", "d9")]
    roster = write_roster(tmp_path / "roster", orgs=orgs, users=users, roles=roles)

    out, _ = run(roster)

    assert "orgs.csv line 5: unknown district 'd9' as parent" in out
    assert "users.csv line 9: unknown org 'nowhere'" in out
    assert "roles.csv line 10: unknown org 's9'" in out
    assert "users.csv line 10: no role for 'x2' in roles.csv" in out
    assert "users:     7 created, 0 updated, 0 unchanged, 2 bad rows" in out
    assert User.objects.count() == 7


@pytest.mark.django_db
def test_duplicate_sourced_id_is_reported(tmp_path):
    users = [*USERS, user("t1", "Dev", "Again", email="again@maple.example")]
    roster = write_roster(tmp_path / "roster", users=users)

    out, _ = run(roster)

    assert "users.csv line 9: duplicate sourcedId 't1' (first seen on line 5)" in out
    assert User.objects.get(sourced_id="t1").name == "Dev Patel"


@pytest.mark.django_db
def test_bad_user_rows_are_reported_with_their_reason(tmp_path):
    users = [
        *USERS,
        user("n1", "", "", email="nobody@maple.example"),
        user("e1", "Jo", "Bell", email="not-an-email"),
        user("e2", "Jo", "Bell", email="ANA.RUIZ@maple.example"),
    ]
    roles = [*ROLES, role("n1", "s1", "teacher"), role("e1", "s1", "teacher")]
    roles += [role("e2", "s1", "wizard")]
    roster = write_roster(tmp_path / "roster", users=users, roles=roles)

    out, _ = run(roster)

    assert "users.csv line 9: missing givenName and familyName" in out
    assert "users.csv line 10: bad email 'not-an-email'" in out
    assert "users.csv line 11: email 'ana.ruiz@maple.example' already used on line 2" in out
    # Roles of users already reported are not reported again.
    assert "roles.csv line 1" not in out
    assert User.objects.count() == 7


@pytest.mark.django_db
def test_cook_from_extension_role_gets_title(roster):
    run(roster)

    cook = User.objects.get(sourced_id="cook")
    assert (cook.role, cook.title, cook.email) == (Role.STAFF, "cook", None)
    assert list(cook.schools.values_list("sourced_id", flat=True)) == ["s1"]


@pytest.mark.django_db
def test_students_and_families(roster):
    run(roster)

    student = User.objects.get(sourced_id="st1")
    assert (student.role, student.name) == (Role.STUDENT, "Fifi Nguyen")
    assert User.objects.get(sourced_id="pa1").role == Role.FAMILY


@pytest.mark.django_db
def test_tobedeleted_marks_person_inactive(tmp_path, roster):
    run(roster)
    users = [*USERS[:-1], user("pa1", "Gus", "Nguyen", status="tobedeleted")]
    roles = [*ROLES[:-1], role("pa1", "s1", "guardian", status="tobedeleted")]
    leaving = write_roster(tmp_path / "leaving", users=users, roles=roles)

    out, _ = run(leaving)

    parent = User.objects.get(sourced_id="pa1")
    assert parent.is_active is False
    assert parent.role == Role.FAMILY
    assert "users:     0 created, 1 updated, 6 unchanged" in out


@pytest.mark.django_db
def test_emails_are_lowercased(roster):
    run(roster)

    assert User.objects.get(sourced_id="t1").email == "dev.patel@maple.example"


@pytest.mark.django_db
def test_passwords_are_never_imported(roster):
    run(roster)

    teacher = User.objects.get(sourced_id="t1")
    assert not teacher.has_usable_password()
    assert not teacher.check_password("hunter2")
    assert not any(person.has_usable_password() for person in User.objects.all())


@pytest.mark.django_db
def test_person_invited_before_the_import_is_taken_over(roster):
    # A district set up by hand joins its roster by the sourcedId IT gives it in the admin.
    district = District.objects.create(name="Maple Valley Schools", slug="maple", sourced_id="d1")
    invited = User.objects.create_user(
        "ben.okafor@maple.example", "secret", name="Ben", district=district
    )

    run(roster)

    invited.refresh_from_db()
    assert (invited.sourced_id, invited.name, invited.role) == (
        "dl",
        "Ben Okafor",
        "district_leader",
    )
    assert invited.check_password("secret")
    assert District.objects.get().sourced_id == "d1"


@pytest.mark.django_db
def test_email_of_someone_in_another_district_is_reported(roster):
    other = District.objects.create(name="Elsewhere", slug="elsewhere")
    User.objects.create_user("ben.okafor@maple.example", name="Ben", district=other)

    out, _ = run(roster)

    assert "users.csv line 3: email 'ben.okafor@maple.example' is already used by another" in out
    assert User.objects.filter(district__sourced_id="d1").count() == 6


def roster_of(size: int, folder: Path, district: str) -> Path:
    orgs = [org(district, f"District {district}", "district")]
    orgs += [org(f"{district}-s{n}", f"School {n}", "school", district) for n in range(3)]
    users = [
        user(f"{district}-u{n}", "Pat", f"No{n}", email=f"{district}{n}@x.example")
        for n in range(size)
    ]
    roles = [role(f"{district}-u{n}", f"{district}-s{n % 3}", "teacher") for n in range(size)]
    return write_roster(folder, orgs=orgs, users=users, roles=roles)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_rows(tmp_path):
    small = roster_of(5, tmp_path / "small", "a")
    large = roster_of(50, tmp_path / "large", "b")
    counts = {}
    for name, path in (("small", small), ("large", large)):
        with CaptureQueriesContext(connection) as first:
            run(path)
        with CaptureQueriesContext(connection) as second:
            run(path)
        counts[name] = (len(first), len(second))

    assert counts["small"] == counts["large"]
    assert User.objects.filter(district__sourced_id="b").count() == 50


def test_progress_bar_is_drawn_in_place_on_a_terminal():
    class Terminal(StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = TextProgress(stream, width=10)
    progress("users", 4500, 10000)
    progress("users", 10000, 10000)

    assert stream.getvalue() == (
        "\rusers    [####......]  45%  4500/10000\rusers    [##########] 100%  10000/10000\n"
    )


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("Maple Elementary", "elementary"),
        ("Oak Middle School", "middle"),
        ("Jefferson Junior High", "middle"),
        ("Lincoln High School", "high"),
        ("Cedar K-8 Academy", "k8"),
        ("Bright Futures Academy", "other"),
    ],
)
def test_school_level_is_guessed_from_its_name(name, level):
    assert guess_level(name) == level


@pytest.mark.parametrize(
    ("name", "at_district", "expected"),
    [
        ("administrator", False, (Role.PRINCIPAL, "")),
        ("administrator", True, (Role.DISTRICT_LEADER, "")),
        ("siteAdministrator", False, (Role.PRINCIPAL, "")),
        ("systemAdministrator", True, (Role.STAFF, "system administrator")),
        ("aide", False, (Role.STAFF, "aide")),
        ("parent", False, (Role.FAMILY, "")),
        ("relative", False, (Role.FAMILY, "")),
        ("ext:custodian", False, (Role.STAFF, "custodian")),
        ("ext:superintendent", True, (Role.SUPERINTENDENT, "")),
        ("wizard", False, None),
    ],
)
def test_oneroster_roles_map_to_ours(name, at_district, expected):
    assert map_role(name, at_district) == expected
