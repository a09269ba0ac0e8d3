"""What the embedded defaults need on disk, made when Django starts rather than when the
settings are read: the SQLite file's folder, the file broker's folders, the static root and,
when no SECRET_KEY is set, the key kept under var/."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def local_files_prepare() -> None:
    folders = [Path(settings.STATIC_ROOT)]
    for database in settings.DATABASES.values():
        if database["ENGINE"].endswith("sqlite3"):
            names = [database["NAME"], database.get("TEST", {}).get("NAME")]
            folders += [Path(name).parent for name in names if name and name != ":memory:"]
    broker = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    folders += [
        Path(broker[key])
        for key in ("data_folder_in", "processed_folder", "control_folder")
        if key in broker
    ]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    try:
        has_key = bool(settings.SECRET_KEY)
    except ImproperlyConfigured:  # how Django answers for an empty key
        has_key = False
    if not has_key:
        settings.SECRET_KEY = secret_key_kept(Path(settings.GENERATED_SECRET_KEY_PATH))
    if not getattr(settings, "ENCRYPTION_KEYS", None):
        settings.ENCRYPTION_KEYS = [
            secret_key_kept(
                Path(settings.GENERATED_ENCRYPTION_KEY_PATH),
                make=lambda: Fernet.generate_key().decode(),
            )
        ]


def secret_key_kept(path: Path, make=lambda: secrets.token_urlsafe(50)) -> str:
    """The key in `path`, written first if there is none. Web, worker and beat may start at
    once: the key is linked into place whole, so they all read the one that got there first."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        draft.write_text(make())
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
