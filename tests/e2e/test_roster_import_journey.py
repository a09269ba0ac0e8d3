"""A district administrator at a desk uploads the roster zip, reads the dry run, imports it,
watches an import's progress bar, and finds the import in the admin log. Axe checks each page."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from districts.models import RosterImport, User

from ..districts.roster_files import ROLES, USERS, role, user, write_roster

PASSWORD = "a-long-test-password"
DESK = {"width": 1280, "height": 800}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def roster_zip(tmp_path):
    users = [*USERS, user("x", "Ivo", "Kerr")]
    roles = [*ROLES, role("x", "s1", "wizard")]
    folder = write_roster(tmp_path / "export", users=users, roles=roles)
    archive = tmp_path / "maple-roster.zip"
    with zipfile.ZipFile(archive, "w") as zip_file:
        for file in folder.iterdir():
            zip_file.write(file, file.name)
    return archive


def test_upload_dry_run_import_progress_and_admin_log(
    page, live_server, tmp_path, district, school, make_person_in, axe, screenshot
):
    page.set_viewport_size(DESK)
    administrator = make_person_in(district, "staff", "Ivy Tran", "ivy@cedar.example", [school])
    administrator.is_district_admin = True
    administrator.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("ivy@cedar.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    page.goto(f"{live_server.url}/administration/")
    page.get_by_role("link", name="Import the roster").click()
    page.get_by_label("OneRoster CSV export (zip)").set_input_files(str(roster_zip(tmp_path)))
    page.get_by_role("button", name="Check this roster").click()

    expect(page.get_by_role("heading", name="What the import would change")).to_be_visible()
    people = page.get_by_role("row", name=re.compile("^People"))
    expect(people).to_contain_text("7")
    expect(page.get_by_text("roles.csv line 10: unknown role 'wizard'")).to_be_visible()
    assert not User.objects.filter(sourced_id="t1").exists()
    screenshot("roster-import-dry-run")

    page.get_by_role("button", name="Import this roster").click()
    expect(page.get_by_role("heading", name="What was imported")).to_be_visible()
    assert User.objects.filter(district=district, sourced_id="t1").exists()

    # A large import in the worker: the page polls its progress until it is done.
    job = RosterImport.objects.create(
        district=district,
        uploaded_by=administrator,
        file_name="nightly.zip",
        path=str(tmp_path / "nightly.zip"),
        state=RosterImport.State.APPLYING,
        stage="users",
        done=40,
        total=100,
    )
    page.goto(f"{live_server.url}/administration/roster-import/{job.pk}/")
    bar = page.get_by_role("progressbar", name="Progress")
    expect(bar).to_have_attribute("value", "40")
    expect(page.get_by_role("status")).to_contain_text("Reading users: 40 of 100")
    screenshot("roster-import-progress")
    RosterImport.objects.filter(pk=job.pk).update(done=80)
    expect(bar).to_have_attribute("value", "80")
    finished = RosterImport.objects.get(pk=job.pk).report | {
        "apply": RosterImport.objects.get(file_name="maple-roster.zip").report["apply"]
    }
    RosterImport.objects.filter(pk=job.pk).update(
        state=RosterImport.State.APPLIED, stage="", report=finished
    )
    expect(page.get_by_role("heading", name="What was imported")).to_be_visible()
    expect(bar).to_have_count(0)
    axe.check()

    page.goto(f"{live_server.url}/administration/roster-import/")
    expect(page.get_by_role("row", name=re.compile("maple-roster.zip"))).to_contain_text("Imported")
    page.get_by_role("link", name="Every import is kept in the admin log.").click()
    expect(page.get_by_text("maple-roster.zip").first).to_be_visible()
