"""Back up and restore the whole install: the database and, on the embedded default, the key.

A backup is one folder: `roundtable.sqlite3` (SQLite's online backup, safe while the app runs)
or `roundtable.pgdump` (`pg_dump --format=custom`), `secret_key` when the key lives under
`var/` (anonymous input is sealed with it, so a restore without it cannot keep "one anonymous
input each"), and `manifest.json` with the row count of every table, which a restore checks.
"""

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

SQLITE_FILE = "roundtable.sqlite3"
POSTGRES_FILE = "roundtable.pgdump"
KEY_FILE = "secret_key"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _key_file() -> Path | None:
    """The key file under var/, when the key came from there and not from the environment."""
    path = Path(settings.VAR_DIR) / KEY_FILE
    if path.exists() and path.read_text().strip() == settings.SECRET_KEY:
        return path
    return None


def _postgres(command: str, *args: str) -> None:
    db = connection.settings_dict
    environment = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    target = ["--dbname", db["NAME"], "--no-owner"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            target += [flag, str(db[key])]
    if shutil.which(command) is None:
        raise BackupError(f"{command} is not installed (Debian package postgresql-client).")
    result = subprocess.run(
        [command, *target, *args], env=environment, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{command} failed: {result.stderr.strip()}")


def back_up(folder: Path) -> dict:
    """Write a backup into `folder` (created if missing) and return its manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    manifest = {
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "secret_key_included": False,
        "rows": row_counts(),
    }
    if connection.vendor == "sqlite":
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        _postgres("pg_dump", "--format=custom", "--file", str(folder / POSTGRES_FILE))
    else:
        raise BackupError(f"Backups of {connection.vendor} are not supported.")
    key = _key_file()
    if key is not None:
        shutil.copyfile(key, folder / KEY_FILE)
        (folder / KEY_FILE).chmod(0o600)
        manifest["secret_key_included"] = True
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(folder: Path) -> dict[str, tuple[int, int]]:
    """Replace the database with the backup in `folder`; return the tables whose counts differ.

    Stop the web server, worker and beat first: the restore replaces every table.
    """
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"{folder} holds no {MANIFEST}: it is not a Roundtable backup.")
    manifest = json.loads(manifest_path.read_text())
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"This backup is of {manifest['vendor']}; the configured database is "
            f"{connection.vendor}."
        )
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(folder / SQLITE_FILE)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()
        _postgres(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--single-transaction",
            str(folder / POSTGRES_FILE),
        )
    if manifest["secret_key_included"] and not os.environ.get("SECRET_KEY"):
        key = Path(settings.VAR_DIR) / KEY_FILE
        shutil.copyfile(folder / KEY_FILE, key)
        key.chmod(0o600)
    counts = row_counts()
    return {
        label: (expected, counts.get(label, 0))
        for label, expected in manifest["rows"].items()
        if counts.get(label, 0) != expected
    }
