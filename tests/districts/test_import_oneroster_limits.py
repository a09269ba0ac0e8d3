"""The roster import: districts matched on sourcedId alone, and the size limits."""

import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError

from districts.models import District, School, User

from .roster_files import (
    org,
    role,
    run,
    summary,
    user,
    write_roster,
)

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
