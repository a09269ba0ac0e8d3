"""A district comes up from the command line and its roster, then runs itself in the browser:
the first administrator accepts their invitation, invites a school's staff, and a teacher
accepts theirs and signs in."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from districts.models import User

from ..districts.test_import_oneroster import write_roster

pytestmark = pytest.mark.django_db(transaction=True)


def link_for(email: str) -> str:
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return re.search(r"https?://\S+(/invitation/\S+/)", message.body).group(1)


def accept(page, live_server, email: str, password: str):
    page.goto(f"{live_server.url}{link_for(email)}")
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.get_by_label("New password:", exact=True).fill(password)
    page.get_by_label("New password confirmation").fill(password)
    page.get_by_role("button", name="Save my password").click()
    expect(page.get_by_text("Your password is saved")).to_be_visible()


def sign_in(page, email: str, password: str):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_import_invite_a_schools_staff_accept_and_sign_in(page, live_server, tmp_path, screenshot):
    call_command(
        "create_district",
        "Maple Valley Schools",
        "--sourced-id=d1",
        "--admin-email=ana.ruiz@maple.example",
        "--admin-name=Ana Ruiz",
        stdout=StringIO(),
    )
    call_command("import_oneroster", str(write_roster(tmp_path / "roster")), stdout=StringIO())
    assert User.objects.get(email="ana.ruiz@maple.example").sourced_id == "sup"

    accept(page, live_server, "ana.ruiz@maple.example", "ana-chooses-a-long-password")
    sign_in(page, "ana.ruiz@maple.example", "ana-chooses-a-long-password")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("Menu", exact=True).click()
    nav.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="People and invitations").click()
    expect(page.locator("#results")).to_contain_text("Dev Patel")
    page.get_by_label("Whom to invite").select_option(label="Maple Elementary")
    page.get_by_role("button", name="Send the invitations").click()
    expect(page.get_by_text("Sent 2 invitations.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Dev Patel"))).to_contain_text("Invited")
    screenshot("administration-people")
    page.get_by_role("button", name="Sign out").click()

    accept(page, live_server, "dev.patel@maple.example", "dev-chooses-a-long-password")
    screenshot("invitation-accepted")
    sign_in(page, "dev.patel@maple.example", "dev-chooses-a-long-password")
    expect(page.get_by_role("heading", name="Maple Valley Schools", level=1)).to_be_visible()
    # Students and families were not invited.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana.ruiz@maple.example",
        "cleo.marsh@maple.example",
        "dev.patel@maple.example",
    ]
