import csv
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from districts.models import District, Role, School, User
from districts.oneroster import TextProgress, guess_level, map_role

MANIFEST = {
    "manifest.version": "1.0",
    "oneroster.version": "1.2",
    "file.academicSessions": "absent",
    "file.classes": "absent",
    "file.orgs": "bulk",
    "file.users": "bulk",
    "file.roles": "bulk",
}
ORG_COLUMNS = ["sourcedId", "status", "dateLastModified", "name", "type", "identifier"]
ORG_COLUMNS += ["parentSourcedId"]
USER_COLUMNS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
    "userMasterIdentifier",
    "resourceSourcedIds",
    "preferredGivenName",
    "preferredMiddleName",
    "preferredFamilyName",
    "primaryOrgSourcedId",
    "pronouns",
    "metadata.title",
]
ROLE_COLUMNS = ["sourcedId", "status", "dateLastModified", "roleType", "userSourcedId"]
ROLE_COLUMNS += ["orgSourcedId", "role", "beginDate", "endDate"]


def org(sourced_id: str, name: str, type: str, parent: str = "") -> dict:
    return {"sourcedId": sourced_id, "name": name, "type": type, "parentSourcedId": parent}


def user(sourced_id: str, given: str, family: str, **extra) -> dict:
    row = {"sourcedId": sourced_id, "givenName": given, "familyName": family, "enabledUser": "true"}
    row.setdefault("email", f"{given}.{family}@maple.example".lower())
    return row | extra


def role(user_id: str, org_id: str, name: str, role_type: str = "primary", **extra) -> dict:
    return {
        "sourcedId": f"r-{user_id}-{org_id}-{name}",
        "userSourcedId": user_id,
        "orgSourcedId": org_id,
        "role": name,
        "roleType": role_type,
        "beginDate": "2025-08-15",
    } | extra


ORGS = [
    org("d1", "Maple Valley Schools", "district"),
    org("s1", "Maple Elementary", "school", "d1"),
    org("s2", "Valley High School", "school", "d1"),
]
USERS = [
    user("sup", "Ana", "Ruiz", **{"metadata.title": "Superintendent"}),
    user("dl", "Ben", "Okafor"),
    user("pr", "Cleo", "Marsh"),
    user("t1", "Dev", "Patel", email="Dev.Patel@Maple.Example", password="hunter2"),
    user("cook", "Eli", "Stone", email=""),
    user("st1", "Fay", "Nguyen", preferredGivenName="Fifi", grades="04"),
    user("pa1", "Gus", "Nguyen"),
]
ROLES = [
    role("sup", "d1", "districtAdministrator"),
    role("dl", "d1", "administrator"),
    role("pr", "s1", "administrator"),
    role("t1", "s1", "teacher"),
    role("t1", "s2", "teacher", role_type="secondary"),
    role("cook", "s1", "ext:cook"),
    role("st1", "s1", "student"),
    role("pa1", "s1", "guardian"),
]


def write_csv(path: Path, columns: list[str], rows: list[dict], encoding: str = "utf-8") -> None:
    with path.open("w", newline="", encoding=encoding) as file:
        writer = csv.DictWriter(file, columns, restval="", extrasaction="raise")
        writer.writeheader()
        writer.writerows(rows)


def write_roster(folder: Path, *, orgs=ORGS, users=USERS, roles=ROLES, manifest=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    properties = [{"propertyName": k, "value": v} for k, v in (manifest or MANIFEST).items()]
    write_csv(folder / "manifest.csv", ["propertyName", "value"], properties)
    write_csv(folder / "orgs.csv", ORG_COLUMNS, orgs)
    write_csv(folder / "users.csv", USER_COLUMNS, users)
    write_csv(folder / "roles.csv", ROLE_COLUMNS, roles)
    return folder


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_oneroster", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def summary(out: str, kind: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(f"{kind}:"))


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    return write_roster(tmp_path / "roster")


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
        ("no manifest", r"has no manifest.csv"),
        ("not a zip", r"is neither a folder nor a zip file"),
        ("missing path", r"does not exist"),
        ("empty file", r"^roles.csv is empty\.$"),
        ("delta", r"file.users as delta; only bulk exports"),
        ("oneroster 1.1", r"says OneRoster 1.1"),
        ("file not there", r"^roles.csv is missing from"),
    ],
)
def test_broken_roster_is_one_clear_error(tmp_path, roster, breakage, message):
    path = roster
    if breakage == "no manifest":
        (roster / "manifest.csv").unlink()
    elif breakage == "not a zip":
        path = tmp_path / "roster.zip"
        path.write_text("sourcedId,name\n")
    elif breakage == "missing path":
        path = tmp_path / "nowhere"
    elif breakage == "empty file":
        (roster / "roles.csv").write_bytes(b"")
    elif breakage == "delta":
        write_roster(roster, manifest=MANIFEST | {"file.users": "delta"})
    elif breakage == "oneroster 1.1":
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


# ----- districts are matched on sourcedId alone


@pytest.mark.django_db
@pytest.mark.parametrize("existing_sourced_id", ["", "another-d1"])
def test_a_roster_naming_an_existing_district_does_not_take_it_over(roster, existing_sourced_id):
    existing = District.objects.create(
        name="MAPLE VALLEY schools", slug="maple", sourced_id=existing_sourced_id
    )
    theirs = User.objects.create_user(
        "ben.okafor@maple.example", "secret", name="Their Ben", district=existing
    )

    out, _ = run(roster)

    existing.refresh_from_db()
    theirs.refresh_from_db()
    assert (existing.name, existing.sourced_id) == ("MAPLE VALLEY schools", existing_sourced_id)
    assert (theirs.district_id, theirs.name, theirs.sourced_id) == (existing.pk, "Their Ben", "")
    assert not School.objects.filter(district=existing).exists()
    imported = District.objects.get(sourced_id="d1")
    assert imported.pk != existing.pk and imported.slug != "maple"
    assert summary(out, "districts").startswith("districts: 1 created, 0 updated, 0 unchanged")
    assert "district 'Maple Valley Schools' (d1) is new" in out
    assert "email 'ben.okafor@maple.example' is already used by another" in out


@pytest.mark.django_db
def test_a_second_import_with_another_sourced_id_and_the_same_name_creates_a_second_district(
    tmp_path, roster
):
    run(roster)
    other = write_roster(
        tmp_path / "other",
        orgs=[
            org("d9", "maple valley schools", "district"),
            org("s9", "Maple Annex", "school", "d9"),
        ],
        users=[user("x1", "Hal", "Reed", email="hal.reed@annex.example")],
        roles=[role("x1", "s9", "teacher")],
    )

    run(other)

    first, second = District.objects.get(sourced_id="d1"), District.objects.get(sourced_id="d9")
    assert first.name == "Maple Valley Schools"
    assert User.objects.filter(district=first).count() == 7
    assert list(User.objects.filter(district=second).values_list("name", flat=True)) == ["Hal Reed"]
    assert School.objects.filter(district=first).count() == 2


# ----- size limits


def zipped(tmp_path: Path, roster: Path) -> Path:
    archive = tmp_path / "roster.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for file in roster.iterdir():
            zipped.write(file, file.name)
    return archive


def pad(path: Path, size: int) -> None:
    """Grow a CSV to `size` bytes with blank lines (which compress to almost nothing)."""
    with path.open("ab") as file:
        file.write(b"\n" * (size - path.stat().st_size))


@pytest.mark.django_db
@pytest.mark.parametrize("as_zip", [True, False])
def test_a_roster_file_that_unpacks_past_the_limit_is_refused(
    tmp_path, roster, monkeypatch, as_zip
):
    monkeypatch.setattr("districts.oneroster.reading.MAX_FILE_BYTES", 1024 * 1024)
    pad(roster / "users.csv", 2 * 1024 * 1024)
    path = zipped(tmp_path, roster) if as_zip else roster
    if as_zip:
        assert path.stat().st_size < 100 * 1024

    with pytest.raises(CommandError, match=r"users.csv in .* unpacks to more than 1 MB") as error:
        run(path)
    assert "\n" not in str(error.value)
    assert not District.objects.exists()


@pytest.mark.django_db
def test_roster_files_past_the_total_limit_are_refused(tmp_path, roster, monkeypatch):
    monkeypatch.setattr("districts.oneroster.reading.MAX_ROSTER_BYTES", 3 * 1024 * 1024)
    for name in ("users.csv", "roles.csv"):
        pad(roster / name, 2 * 1024 * 1024)

    with pytest.raises(CommandError, match=r"the roster in .* unpacks to more than 3 MB"):
        run(zipped(tmp_path, roster))


@pytest.mark.django_db
def test_files_the_import_does_not_read_do_not_count(tmp_path, roster, monkeypatch):
    monkeypatch.setattr("districts.oneroster.reading.MAX_ROSTER_BYTES", 1024 * 1024)
    (roster / "enrollments.csv").touch()
    pad(roster / "enrollments.csv", 3 * 1024 * 1024)

    out, _ = run(zipped(tmp_path, roster))

    assert "users:     7 created" in out


@pytest.mark.django_db
def test_a_zip_member_that_understates_its_size_is_stopped_while_reading(
    tmp_path, roster, monkeypatch
):
    from districts.oneroster import RosterSource

    monkeypatch.setattr("districts.oneroster.reading.MAX_FILE_BYTES", 1024 * 1024)
    pad(roster / "users.csv", 2 * 1024 * 1024)
    # Headers that claim every file is tiny: only the capped read can tell.
    monkeypatch.setattr(RosterSource, "_stated_sizes", lambda self: dict.fromkeys(self._files, 10))

    with pytest.raises(CommandError, match=r"users.csv in .* unpacks to more than 1 MB"):
        run(zipped(tmp_path, roster))


@pytest.mark.django_db
def test_a_zip_whose_header_lies_about_a_members_size_is_refused(tmp_path, roster):
    pad(roster / "users.csv", 256 * 1024)
    archive = zipped(tmp_path, roster)
    with zipfile.ZipFile(archive) as read:
        info = read.getinfo("users.csv")
    data = bytearray(archive.read_bytes())
    real = info.file_size.to_bytes(4, "little")
    # Rewrite the uncompressed size in the local header and the central directory.
    assert data.count(real) >= 2
    data = data.replace(real, (1000).to_bytes(4, "little"))
    archive.write_bytes(bytes(data))

    with pytest.raises(CommandError, match=r"users.csv"):
        run(archive)
    assert not District.objects.exists()
