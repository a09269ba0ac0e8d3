"""Delta exports: only the rows they list change, in file order, and never out of order."""

import pytest
from django.core.management import CommandError

from districts.models import District, Role, User

from .roster_files import (
    MANIFEST,
    ORGS,
    ROLES,
    USERS,
    delta_manifest,
    role,
    run,
    summary,
    user,
    write_roster,
    write_roster_1_1,
)

AT = "2025-09-02T06:00:00Z"


def stamped(row: dict, at: str = AT) -> dict:
    return row | {"dateLastModified": at}


def imported(tmp_path):
    base = [stamped(o, "2025-09-01") for o in ORGS]
    people = [stamped(u, "2025-09-01") for u in USERS]
    run(write_roster(tmp_path / "bulk", orgs=base, users=people, roles=ROLES))


def delta(tmp_path, name="delta", *, users=(), roles=(), orgs=None):
    manifest = delta_manifest(orgs="absent" if orgs is None else "delta")
    return write_roster(
        tmp_path / name, orgs=orgs or [], users=list(users), roles=list(roles), manifest=manifest
    )


@pytest.mark.django_db
def test_a_delta_deactivates_tobedeleted_and_updates_changed_rows_only(tmp_path):
    imported(tmp_path)
    folder = delta(
        tmp_path,
        users=[
            stamped(user("st1", "Fay", "Nguyen", status="tobedeleted")),
            stamped(user("t1", "Dev", "Patel-Kim", email="dev.patel@maple.example")),
        ],
    )

    out, _ = run(folder)

    student = User.objects.get(sourced_id="st1")
    assert (student.is_active, student.left_roster_at is not None) == (False, True)
    teacher = User.objects.get(sourced_id="t1")
    assert (teacher.name, teacher.role) == ("Dev Patel-Kim", Role.TEACHER)
    assert sorted(teacher.schools.values_list("sourced_id", flat=True)) == ["s1", "s2"]
    # Everyone the delta does not list is left as they were.
    assert User.objects.filter(is_active=True).count() == 6
    assert "OneRoster 1.2 delta" in out
    assert summary(out, "users").startswith("users:     0 created, 2 updated, 0 unchanged")


@pytest.mark.django_db
def test_a_delta_applies_its_rows_in_file_order(tmp_path):
    imported(tmp_path)
    folder = delta(
        tmp_path,
        users=[
            stamped(user("t1", "Dev", "First", email="dev.patel@maple.example")),
            stamped(user("t1", "Dev", "Second", email="dev.patel@maple.example")),
        ],
    )

    run(folder)

    assert User.objects.get(sourced_id="t1").name == "Dev Second"


@pytest.mark.django_db
def test_a_delta_of_roles_moves_a_teacher_and_adds_a_newcomer(tmp_path):
    imported(tmp_path)
    folder = delta(
        tmp_path,
        users=[stamped(user("new", "Ivo", "Kerr"))],
        roles=[
            stamped(role("t1", "s1", "teacher", status="tobedeleted")),
            stamped(role("new", "s2", "aide")),
        ],
    )

    out, _ = run(folder)

    teacher = User.objects.get(sourced_id="t1")
    assert list(teacher.schools.values_list("sourced_id", flat=True)) == ["s2"]
    assert teacher.is_active
    newcomer = User.objects.get(sourced_id="new")
    assert (newcomer.role, newcomer.title) == (Role.STAFF, "aide")
    assert summary(out, "users").startswith("users:     1 created, 1 updated, 0 unchanged")


@pytest.mark.django_db
def test_applying_the_same_delta_twice_changes_nothing_the_second_time(tmp_path):
    imported(tmp_path)
    folder = delta(
        tmp_path,
        users=[stamped(user("st1", "Fay", "Nguyen", status="tobedeleted"))],
        roles=[stamped(role("t1", "s1", "teacher", status="tobedeleted"))],
    )
    run(folder)

    out, _ = run(folder)

    assert summary(out, "users").startswith("users:     0 created, 0 updated, 2 unchanged")


@pytest.mark.django_db
def test_a_delta_older_than_the_last_one_applied_is_refused(tmp_path):
    imported(tmp_path)
    run(delta(tmp_path, "newer", users=[stamped(user("t1", "Dev", "New"), AT)]))
    older = delta(tmp_path, "older", users=[stamped(user("t1", "Dev", "Old"), "2025-09-01T23:00Z")])

    with pytest.raises(CommandError) as error:
        run(older)

    message = str(error.value)
    assert message.startswith("this delta's newest change (2025-09-01 23:00 UTC) is older than")
    assert "last roster applied to Maple Valley Schools (2025-09-02 06:00 UTC)" in message
    assert User.objects.get(sourced_id="t1").name == "Dev New"
    district = District.objects.get()
    assert district.roster_changed_at.isoformat() == "2025-09-02T06:00:00+00:00"


@pytest.mark.django_db
def test_a_delta_naming_someone_never_imported_without_a_role_is_a_row_error(tmp_path):
    imported(tmp_path)
    folder = delta(tmp_path, users=[stamped(user("ghost", "No", "Body"))])

    with pytest.raises(CommandError) as error:
        run(folder)

    assert str(error.value) == (
        "imported nobody: the 1 person in users.csv was refused; the first: users.csv line 2: "
        "no role for 'ghost' in this delta, and nobody of that sourcedId "
        "was imported before."
    )


@pytest.mark.django_db
def test_a_1_1_delta_changes_a_role_from_users_csv(tmp_path):
    run(write_roster_1_1(tmp_path / "bulk"))
    manifest = delta_manifest(MANIFEST | {"oneroster.version": "1.1"}, orgs="absent")
    manifest.pop("file.roles", None)
    folder = write_roster_1_1(
        tmp_path / "delta",
        orgs=[],
        users=[stamped(user("ai1", "Hana", "Berg", orgSourcedIds="s2", role="teacher"))],
        manifest=manifest,
    )

    out, _ = run(folder)

    assert User.objects.get(sourced_id="ai1").role == Role.TEACHER
    assert "OneRoster 1.1 delta" in out
