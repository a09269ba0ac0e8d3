"""`make test` on a bare machine: the tests that need Chromium, msgfmt or redis-server are
skipped with one line saying how to run them, unless CI asks for every test."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = [
    "tests/e2e/test_foundation_journey.py::test_wrong_password_keeps_the_email_and_explains",
    "tests/test_locale.py",
    "tests/faults/test_health.py",
    "tests/test_translations.py::test_the_template_check_finds_bare_text",
]


def run_tests_without_tools(tmp_path, **env) -> subprocess.CompletedProcess:
    """The sample run with a PATH where none of the three programs is found."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PYTEST_ADDOPTS", "ROUNDTABLE_REQUIRE_ALL_TESTS")
    }
    environ |= {"PATH": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-m", "pytest", *SAMPLE],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_tests_whose_tool_is_missing_are_skipped_with_one_line_saying_how_to_run_them(tmp_path):
    result = run_tests_without_tools(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed, 7 skipped" in result.stdout
    lines = [line for line in result.stdout.splitlines() if "missing tools" in line]
    assert lines == [
        "Skipped for missing tools: 1 browser journeys (chromium), 2 translation tests "
        "(msgfmt), 4 broker-fault tests (redis-server); to run them: "
        "sudo apt-get install chromium gettext redis-server"
    ]


def test_ci_turns_a_skip_for_a_missing_tool_into_a_failure(tmp_path):
    result = run_tests_without_tools(tmp_path, ROUNDTABLE_REQUIRE_ALL_TESTS="1")
    assert result.returncode == 1
    assert "1 passed, 7 errors" in result.stdout
    assert "chromium is not installed (Debian package chromium)" in result.stdout
    assert "missing tools" not in result.stdout


def test_make_test_installs_what_is_missing_first_when_running_as_root_with_apt_get(tmp_path):
    environ = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")}
    planned = subprocess.run(
        ["make", "-n", "test", "ARGS=-x"], cwd=ROOT, env=environ, capture_output=True, text=True
    ).stdout.splitlines()
    assert [line for line in planned if "test-tools" in line or "-m pytest" in line] == [
        "bash scripts/test-tools || true",
        ".venv/bin/python -m pytest -x",
    ]
    log = tmp_path / "apt-get.log"
    apt_get = tmp_path / "apt-get"
    apt_get.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    apt_get.chmod(0o755)
    result = subprocess.run(
        ["/bin/bash", "scripts/test-tools"],
        cwd=ROOT,
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    if os.geteuid() == 0:
        assert log.read_text().splitlines() == [
            "update -qq",
            "install -y -qq chromium gettext redis-server",
        ]
    else:
        assert not log.exists()
