"""The nightly drop folder: each new zip imported once, in order, kept with its result."""

import re
import zipfile

import pytest

from administration.roster_drops import roster_drops_import
from config.celery import app
from districts.models import AuditEntry, RosterImport, User
from notifications.models import Notification

from ..districts.roster_files import ORGS, USERS, delta_manifest, user, write_roster

pytestmark = pytest.mark.django_db


def drop(folder, name, source):
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / name, "w") as zip_file:
        for file in source.iterdir():
            zip_file.write(file, file.name)


@pytest.fixture
def drops(tmp_path, district):
    folder = tmp_path / "sftp" / "cedar"
    district.roster_drop_folder = str(folder)
    district.save()
    return folder


def kept(folder):
    """The files kept in done/ or failed/, without the time of the run that took them."""
    return sorted(re.sub(r"^\d{8}T\d{6}\.\d{6}-", "", path.name) for path in folder.iterdir())


def stamped(rows, at):
    return [row | {"dateLastModified": at} for row in rows]


def test_new_zips_are_imported_once_in_name_order_and_kept_with_their_result(
    drops, tmp_path, district
):
    bulk = write_roster(
        tmp_path / "bulk", orgs=stamped(ORGS, "2025-09-01"), users=stamped(USERS, "2025-09-01")
    )
    delta = write_roster(
        tmp_path / "delta",
        orgs=[],
        users=stamped(
            [user("t1", "Dev", "Patel-Kim", email="dev.patel@maple.example")], "2025-09-02"
        ),
        roles=[],
        manifest=delta_manifest(orgs="absent"),
    )
    drop(drops, "2025-09-02-delta.zip", delta)
    drop(drops, "2025-09-01-bulk.zip", bulk)

    assert roster_drops_import() == 2

    assert User.objects.get(district=district, sourced_id="t1").name == "Dev Patel-Kim"
    assert kept(drops / "done") == [
        "2025-09-01-bulk.zip",
        "2025-09-01-bulk.zip.txt",
        "2025-09-02-delta.zip",
        "2025-09-02-delta.zip.txt",
    ]
    assert not any(drops.glob("*.zip"))
    note = next((drops / "done").glob("*-2025-09-01-bulk.zip.txt")).read_text()
    assert "people: 7 added, 0 changed, 0 unchanged, 0 bad rows" in note
    assert list(
        RosterImport.objects.order_by("pk").values_list("file_name", "source", "state")
    ) == [
        ("2025-09-01-bulk.zip", "drop", "applied"),
        ("2025-09-02-delta.zip", "drop", "applied"),
    ]
    assert (
        AuditEntry.objects.filter(object_type="roster import", actor_name="Drop folder").count()
        == 2
    )
    # Nothing new, nothing imported; a name delivered again is a new delivery.
    assert roster_drops_import() == 0
    drop(drops, "2025-09-02-delta.zip", delta)
    assert roster_drops_import() == 1
    assert len(list((drops / "done").glob("*-2025-09-02-delta.zip"))) == 2


def test_a_failed_zip_tells_the_administrators_and_later_zips_wait(
    drops, tmp_path, district, make_person_in
):
    admin = make_person_in(district, "staff", "Ivy Tran", "ivy@cedar.example")
    admin.is_district_admin = True
    admin.save()
    drops.mkdir(parents=True)
    (drops / "a-broken.zip").write_bytes(b"not a zip at all")
    drop(drops, "b-bulk.zip", write_roster(tmp_path / "bulk"))

    assert roster_drops_import() == 0

    assert kept(drops / "failed") == ["a-broken.zip", "a-broken.zip.txt"]
    note = next((drops / "failed").glob("*-a-broken.zip.txt")).read_text()
    assert "neither a folder nor a zip file" in note
    assert (drops / "b-bulk.zip").exists()
    notice = Notification.objects.get(recipient=admin)
    assert notice.subject == "The roster a-broken.zip from the drop folder was not imported"
    assert "neither a folder nor a zip file" in notice.body


def test_beat_looks_for_dropped_rosters():
    app.loader.import_default_modules()
    entries = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "administration.tasks.import_roster_drops" in entries
    assert "administration.tasks.import_roster_drops" in app.tasks
