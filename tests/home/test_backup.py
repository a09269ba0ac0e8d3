"""Backup and restore round trip on the configured database (SQLite by default, PostgreSQL in CI)."""

import json

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from decisions.models import Decision, Input
from districts.models import District
from home.backup import row_counts
from notifications.models import Notification


@pytest.fixture
def seeded(transactional_db):
    call_command("seed_demo", password="roundtable-demo", verbosity=0)


def test_a_restored_backup_has_every_row_and_the_demo_sign_ins_work(seeded, tmp_path):
    before = row_counts()
    assert before["decisions.Input"] > 0
    call_command("backup", tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["rows"] == before

    Input.objects.all().delete()
    Decision.objects.all().delete()
    Notification.objects.all().delete()
    assert row_counts() != before

    call_command("restore", tmp_path, yes=True)

    assert row_counts() == before
    assert authenticate(email="teacher@cedarvalley.example", password="roundtable-demo")


def test_a_backup_of_the_embedded_default_keeps_the_secret_key(seeded, tmp_path, settings):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the key is kept under var/ only on the embedded default")
    key = tmp_path / "var" / "secret_key"
    key.parent.mkdir()
    key.write_text(settings.SECRET_KEY)
    settings.VAR_DIR = key.parent
    call_command("backup", tmp_path / "backup")
    assert (tmp_path / "backup" / "secret_key").read_text() == settings.SECRET_KEY


def test_restore_refuses_a_folder_that_is_not_a_backup(db, tmp_path):
    with pytest.raises(CommandError, match="not a Roundtable backup"):
        call_command("restore", tmp_path, yes=True)
    assert District.objects.count() == 0
