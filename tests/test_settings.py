import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import database_from_url, env_bool, env_int, mailer_from_url

ROOT = Path(__file__).resolve().parent.parent


def load_settings(tmp_path, **env):
    """Import the settings in a fresh interpreter with only the given variables set."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL")
    }
    clean.update(env, ROUNDTABLE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_nothing_set_runs_on_sqlite_and_a_file_broker(tmp_path):
    result = load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://"]
    assert (tmp_path / "celery" / "queue").is_dir()
    assert (tmp_path / "secret_key").exists()


def test_importing_the_settings_writes_nothing(tmp_path):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "STATIC_ROOT")
    }
    clean.update(ROUNDTABLE_VAR_DIR=str(tmp_path / "var"))
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_start_up_keeps_one_secret_key_across_restarts(tmp_path):
    first, second = load_settings(tmp_path), load_settings(tmp_path)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40
    assert (tmp_path / "secret_key").read_text() == key


def test_database_url_and_broker_switch_to_postgres_and_redis(tmp_path):
    result = load_settings(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/roundtable",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "redis://127.0.0.1:6379/0"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("DATABASE_URL", "mysql://db/roundtable", "DATABASE_URL must start with postgres://"),
        ("DATABASE_URL", "postgres://db:notaport/roundtable", "bad port"),
        ("CELERY_BROKER_URL", "kafka://broker", "CELERY_BROKER_URL must start with redis://"),
        ("EMAIL_URL", "carrier-pigeon://loft", "EMAIL_URL must start with smtp://"),
        ("CONN_MAX_AGE", "forever", "CONN_MAX_AGE must be a whole number"),
        ("TIME_ZONE", "Mars/Olympus", "TIME_ZONE must be an IANA zone"),
        ("API_RATE_LIMIT", "lots", "API_RATE_LIMIT must read like 600/min"),
        ("CACHE_URL", "memcached://cache:11211", "CACHE_URL must start with redis://"),
        ("LANGUAGES", "en,klingon", "LANGUAGES must be language codes Django knows"),
        ("API_RATE_LIMIT", "0/min", "API_RATE_LIMIT must read like 600/min"),
    ],
)
def test_bad_environment_values_give_a_clear_error(tmp_path, variable, value, message):
    env = {variable: value}
    if variable == "CONN_MAX_AGE":
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/roundtable"
    result = load_settings(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-docker-secret\n")
    env = dict(os.environ)
    env.update(
        SECRET_KEY_FILE=str(secret),
        ROUNDTABLE_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip() == "from-a-docker-secret"


def test_missing_secret_file_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("DEBUG_FILE", "/nonexistent/debug")
    with pytest.raises(ImproperlyConfigured, match="DEBUG_FILE: cannot read"):
        env_bool("DEBUG")


def test_env_int_rejects_words(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("SOME_NUMBER", 1)


def test_postgres_url_is_parsed_with_password_and_options():
    database = database_from_url(
        "postgres://user:p%40ss@db.example:6543/roundtable?sslmode=require"
    )
    assert database["NAME"] == "roundtable"
    assert database["USER"] == "user"
    assert database["PASSWORD"] == "p@ss"
    assert database["HOST"] == "db.example"
    assert database["PORT"] == "6543"
    assert database["OPTIONS"] == {"sslmode": "require"}


def test_postgres_url_without_a_database_name_is_refused():
    with pytest.raises(ImproperlyConfigured, match="must name a database"):
        database_from_url("postgres://db.example:5432/")


def test_smtp_url_becomes_a_mailer():
    mailer = mailer_from_url("smtp://mail%40district.example:secret@smtp.example:587?tls=1")
    assert mailer["BACKEND"].endswith("smtp.EmailBackend")
    assert mailer["OPTIONS"]["username"] == "mail@district.example"
    assert mailer["OPTIONS"]["use_tls"] is True
    assert mailer_from_url("console://")["BACKEND"].endswith("console.EmailBackend")


def test_with_nothing_set_every_migration_runs_on_sqlite(tmp_path):
    """`make run` starts on SQLite: a migration only PostgreSQL can run would stop it."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL")
    }
    clean.update(ROUNDTABLE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "roundtable.sqlite3").stat().st_size > 0


def settings_values(tmp_path, names: list[str], **env) -> list[str]:
    """The repr of each named setting, read in a fresh interpreter with the given variables."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "HTTPS", "TRUST_PROXY_HEADERS")
    }
    clean.update(env, ROUNDTABLE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    code = (
        "from django.conf import settings\n"
        f"for name in {names!r}: print(repr(getattr(settings, name)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


PROXY_SETTINGS = ["SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST", "SECURE_SSL_REDIRECT"]


def test_with_https_alone_no_client_can_claim_https_through_a_header(tmp_path):
    assert settings_values(tmp_path, PROXY_SETTINGS, HTTPS="1") == ["None", "False", "True"]


def test_trust_proxy_headers_reads_the_scheme_and_host_from_the_proxy(tmp_path):
    values = settings_values(tmp_path, PROXY_SETTINGS, HTTPS="1", TRUST_PROXY_HEADERS="1")
    assert values == ["('HTTP_X_FORWARDED_PROTO', 'https')", "True", "True"]


@pytest.fixture
def console_log():
    """What the console handler of settings.LOGGING writes, as text."""
    import io
    import logging

    handler = next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/no-such-page/", "/decisions/999999/"])
def test_a_404_is_logged_on_one_line_without_a_traceback(path, client_for, teacher, console_log):
    assert client_for(teacher).get(path).status_code == 404
    lines = console_log.getvalue().splitlines()
    assert lines == [f"Not Found: {path}"]


@pytest.mark.django_db
def test_a_403_is_logged_on_one_line_without_a_traceback(client_for, principal, console_log):
    from django.urls import reverse

    assert client_for(principal).get(reverse("districts:code_create")).status_code == 403
    assert console_log.getvalue().splitlines() == ["Forbidden (Permission denied): /codes/new/"]


@pytest.mark.django_db
def test_a_400_is_logged_on_one_line_without_a_traceback(client_for, principal, console_log):
    from django.urls import reverse

    response = client_for(principal).get(reverse("districts:schools"), {"q": "a\x00"})
    assert response.status_code == 400
    assert console_log.getvalue().splitlines() == ["Bad value for 'q': /schools/"]


def test_a_500_keeps_its_traceback(console_log):
    import logging

    try:
        raise RuntimeError("the database went away")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: /", exc_info=True, extra={"status_code": 500}
        )
    text = console_log.getvalue()
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: the database went away" in text
