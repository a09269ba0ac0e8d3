"""Spanish ships complete: every message of the project translated, compiled, and kept so."""

import datetime
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import formats, translation

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")


def msgids(path: Path) -> set[str]:
    """The message ids of a catalogue (context and plural joined), read with gettext's msgcat."""
    out = subprocess.run(
        [shutil.which("msgcat"), "--no-wrap", "--no-location", "--sort-output", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = set()
    for block in out.split("\n\n"):
        head = [line for line in block.splitlines() if line.startswith(("msgctxt ", "msgid"))]
        key = "|".join(head)
        if key and key != 'msgid ""':
            found.add(key)
    return found


def compiled(path: Path) -> dict:
    with open(path, "rb") as file:
        return gettext.GNUTranslations(file)._catalog


@pytest.fixture
def msgfmt():
    return shutil.which("msgfmt")


def test_the_spanish_catalogue_has_no_untranslated_or_fuzzy_message_and_compiles(msgfmt, tmp_path):
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", str(tmp_path / "es.mo"), str(CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "translated messages." in result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


def test_the_committed_compiled_catalogue_is_the_catalogue_compiled(msgfmt, tmp_path):
    subprocess.run([msgfmt, "-o", str(tmp_path / "es.mo"), str(CATALOGUE)], check=True)
    fresh = compiled(tmp_path / "es.mo")
    committed = compiled(COMPILED)
    assert committed == fresh, "Run `make messages` to compile locale/es after translating."


def test_every_text_of_the_code_has_its_spanish_translation(
    msgfmt, tmp_path, settings, monkeypatch
):
    """What `make messages` would add: a text written since the catalogue was updated fails.

    makemessages runs on a copy made of links to the code, so the real catalogue stays as it is.
    """
    copy = tmp_path / "project"
    copy.mkdir()
    for entry in ROOT.iterdir():
        if not entry.name.startswith(".") and entry.name not in {"locale", "var", "tests"}:
            (copy / entry.name).symlink_to(entry)
    folder = copy / "locale" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(CATALOGUE, folder / "django.po")
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["es"], symlinks=True, verbosity=0)
    missing = msgids(folder / "django.po") - msgids(CATALOGUE)
    assert not missing, f"New texts without a Spanish translation (run `make messages`): {missing}"


def test_spanish_dates_read_day_first_with_spanish_month_names():
    with translation.override("es"):
        assert formats.date_format(datetime.date(2026, 12, 7)) == "7 dic 2026"
    with translation.override("en"):
        assert formats.date_format(datetime.date(2026, 12, 7)) == "Dec 7, 2026"


def test_spanish_is_offered_by_default():
    assert ("es", "Spanish") in settings.LANGUAGES and settings.LANGUAGE_CODE == "en"


def test_no_translation_drops_or_invents_a_placeholder():
    """A placeholder lost in Spanish would show a raw name or raise when the text is filled."""
    placeholder = re.compile(r"%\(\w+\)[sdr]|\{\w+\}")
    catalogue = compiled(COMPILED)
    for key, spanish in catalogue.items():
        if isinstance(key, tuple) or not key:
            continue  # plurals: msgfmt --check compares their placeholders
        english = key
        assert set(placeholder.findall(spanish)) <= set(placeholder.findall(english)), english
