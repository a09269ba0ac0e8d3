"""`make run` points the links in e-mails at the server it starts."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned_run(*args: str, **env: str) -> str:
    """The commands `make run` would run, without running them."""
    environ = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | env
    result = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return next(line for line in result.stdout.splitlines() if "manage.py runall" in line)


def test_make_run_links_emails_to_the_port_it_serves():
    assert planned_run("PORT=8123").startswith("SITE_URL='http://localhost:8123' ")


def test_make_run_links_emails_to_the_host_it_serves():
    line = planned_run("HOST=roundtable.school.internal", "PORT=9000")
    assert line.startswith("SITE_URL='http://roundtable.school.internal:9000' ")


def test_make_run_keeps_a_site_url_already_set():
    line = planned_run("PORT=8123", SITE_URL="https://roundtable.example.org")
    assert line.startswith("SITE_URL='https://roundtable.example.org' ")
