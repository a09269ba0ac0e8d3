"""Right to left ready: a language written right to left turns the page, and the stylesheets
use only logical properties (start and end, never left and right), so the layout mirrors."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

CATALOGUE = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Sign out"
msgstr "تسجيل الخروج"
"""
PHYSICAL = re.compile(
    r"(margin|padding|border)-(left|right)|text-align:\\s*(left|right)|float:\\s*(left|right)"
    r"|[\\s;{](left|right)\\s*:"
)


@pytest.fixture
def arabic(tmp_path, settings):
    msgfmt = shutil.which("msgfmt")
    folder = tmp_path / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(CATALOGUE)
    subprocess.run([msgfmt, "-o", folder / "django.mo", folder / "django.po"], check=True)
    settings.LOCALE_PATHS = [tmp_path]
    settings.LANGUAGES = [("en", "English"), ("ar", "Arabic")]


def test_a_right_to_left_language_turns_the_page(arabic, client_for, teacher):
    page = client_for(teacher).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="ar" dir="rtl">' in page and "تسجيل الخروج" in page
    english = client_for(teacher).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english


def test_the_stylesheets_say_start_and_end_never_left_and_right():
    found = []
    for sheet in sorted((Path(django_settings.BASE_DIR) / "static").rglob("*.css")):
        for number, line in enumerate(sheet.read_text().splitlines(), 1):
            if PHYSICAL.search(line):
                found.append(f"{sheet.name}:{number}: {line.strip()[:80]}")
    assert not found, "\n".join(found)
