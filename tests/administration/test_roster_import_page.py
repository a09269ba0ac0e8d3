"""The roster upload page: a zip, its dry run, the import in the worker, the admin log."""

import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from districts.models import AuditEntry, RosterImport, User
from districts.tasks import run_waiting_roster_imports

from ..districts.roster_files import ROLES, USERS, org, role, user, write_roster

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def zipped(tmp_path, name="roster.zip", **files) -> SimpleUploadedFile:
    folder = write_roster(tmp_path / "export", **files)
    archive = tmp_path / name
    with zipfile.ZipFile(archive, "w") as zip_file:
        for file in folder.iterdir():
            zip_file.write(file, file.name)
    return SimpleUploadedFile(name, archive.read_bytes(), content_type="application/zip")


@pytest.fixture
def worker(django_capture_on_commit_callbacks):
    """Runs the queued import as the request commits (tasks run inline in tests)."""

    def post(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data or {})
        if response.status_code != 302:
            return response
        return client.get(response.url)

    return post


def upload(worker, client, file):
    return worker(client, reverse("administration:roster_imports"), {"roster": file})


def test_an_upload_shows_its_dry_run_and_saves_nobody(client_for, administrator, tmp_path, worker):
    users = [*USERS, user("x", "Ivo", "Kerr")]
    roles = [*ROLES, role("x", "s1", "wizard")]
    response = upload(worker, client_for(administrator), zipped(tmp_path, users=users, roles=roles))

    job = RosterImport.objects.get()
    assert response.request["PATH_INFO"] == reverse("administration:roster_import", args=[job.pk])
    assert job.state == RosterImport.State.CHECKED
    page = response.text
    assert "What the import would change" in page
    assert "roles.csv line 10: unknown role" in page
    assert "users.csv line 9: no role for" in page
    assert "Import this roster" in page
    assert not User.objects.filter(sourced_id="t1").exists()
    counts = job.report["check"]["counts"]["users"]
    assert (counts["created"], counts["bad"]) == (7, 1)


def test_importing_a_checked_roster_saves_it_and_logs_who_and_what(
    client_for, administrator, district, tmp_path, worker
):
    client = client_for(administrator)
    upload(worker, client, zipped(tmp_path))
    job = RosterImport.objects.get()

    response = worker(client, reverse("administration:roster_import_apply", args=[job.pk]))

    job.refresh_from_db()
    assert job.state == RosterImport.State.APPLIED
    assert "What was imported" in response.text
    assert User.objects.filter(district=district, sourced_id="t1").exists()
    district.refresh_from_db()
    assert district.sourced_id == "d1"
    entry = AuditEntry.objects.get(object_type="roster import")
    assert (entry.actor, entry.object_label) == (administrator, "roster.zip")
    assert "users:     7 created, 0 updated, 0 unchanged, 0 bad rows" in entry.changes
    # A second click does not import twice.
    client.post(reverse("administration:roster_import_apply", args=[job.pk]))
    assert AuditEntry.objects.filter(object_type="roster import").count() == 1


def test_a_file_that_is_not_a_zip_is_an_error_on_the_form(client_for, administrator, worker):
    file = SimpleUploadedFile("roster.zip", b"sourcedId,name\n", content_type="application/zip")

    response = upload(worker, client_for(administrator), file)

    assert response.status_code == 400
    assert "This is not a zip file" in response.text
    assert not RosterImport.objects.exists()


def test_a_roster_of_another_district_fails_with_the_reason(
    client_for, administrator, district, tmp_path, worker
):
    district.sourced_id = "cedar"
    district.save()

    response = upload(worker, client_for(administrator), zipped(tmp_path))

    job = RosterImport.objects.get()
    assert job.state == RosterImport.State.FAILED
    assert job.error.startswith(
        "imported nobody: all 7 people in users.csv were refused; the first: orgs.csv line 2: "
        "district 'd1' is not the district being imported ('cedar')"
    )
    assert "is not the district being imported" in response.text
    assert "Import this roster" not in response.text


def test_a_running_import_is_polled_with_its_progress_and_a_finished_one_is_not(
    client_for, administrator, district
):
    job = RosterImport.objects.create(
        district=district,
        file_name="big.zip",
        path="/nowhere.zip",
        state=RosterImport.State.APPLYING,
        stage="users",
        done=25_000,
        total=100_000,
    )
    client = client_for(administrator)
    url = reverse("administration:roster_import", args=[job.pk])

    running = client.get(url, headers={"HX-Request": "true"}).text

    assert 'hx-trigger="every 1s"' in running
    assert 'max="100" value="25"' in running
    assert "Reading users: 25000 of 100000" in running
    assert "<html" not in running
    RosterImport.objects.filter(pk=job.pk).update(state=RosterImport.State.FAILED, error="gone")
    finished = client.get(url, headers={"HX-Request": "true"}).text
    assert "hx-trigger" not in finished
    assert "gone" in finished


def test_another_districts_administrator_cannot_see_or_apply_an_import(
    client_for, other_administrator, district
):
    job = RosterImport.objects.create(
        district=district, file_name="r.zip", path="/r.zip", state=RosterImport.State.CHECKED
    )
    client = client_for(other_administrator)

    assert client.get(reverse("administration:roster_import", args=[job.pk])).status_code == 404
    response = client.post(reverse("administration:roster_import_apply", args=[job.pk]))
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.state == RosterImport.State.CHECKED


def test_a_teacher_has_no_upload_page(client_for, teacher):
    assert client_for(teacher).get(reverse("administration:roster_imports")).status_code == 404


def test_a_roster_with_no_district_imports_into_the_administrators_own(
    client_for, administrator, district, tmp_path, worker
):
    orgs = [org("dep", "History Department", "department", "")]
    roles = [role(u["sourcedId"], "dep", "teacher") for u in USERS]
    client = client_for(administrator)
    upload(worker, client, zipped(tmp_path, orgs=orgs, roles=roles))
    job = RosterImport.objects.get()

    worker(client, reverse("administration:roster_import_apply", args=[job.pk]))

    job.refresh_from_db()
    assert job.state == RosterImport.State.APPLIED, job.error
    assert User.objects.filter(district=district).exclude(sourced_id="").count() == 7
    district.refresh_from_db()
    assert (district.name, district.sourced_id) == ("Cedar Valley", "")


def test_an_upload_the_broker_never_got_is_run_by_the_next_sweep(
    client_for, administrator, tmp_path, monkeypatch
):
    monkeypatch.setattr("administration.roster_uploads.ask_to_run_roster_import", lambda pk: None)
    client_for(administrator).post(
        reverse("administration:roster_imports"), {"roster": zipped(tmp_path)}
    )
    job = RosterImport.objects.get()
    assert job.state == RosterImport.State.CHECKING
    RosterImport.objects.filter(pk=job.pk).update(created_at=job.created_at - timedelta(minutes=2))

    assert run_waiting_roster_imports() == 1

    job.refresh_from_db()
    assert job.state == RosterImport.State.CHECKED
    assert run_waiting_roster_imports() == 0
