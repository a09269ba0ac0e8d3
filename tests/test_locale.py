"""A district adds a language with a catalogue under locale/ and LANGUAGES; nothing else."""

import shutil
import subprocess

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CATALOGUE = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Sign out"
msgstr "Abmelden"

msgid "Skip to content"
msgstr "Zum Inhalt"
"""


@pytest.fixture
def german(tmp_path, settings):
    msgfmt = shutil.which("msgfmt")
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(CATALOGUE)
    subprocess.run([msgfmt, "-o", folder / "django.mo", folder / "django.po"], check=True)
    settings.LOCALE_PATHS = [tmp_path]
    settings.LANGUAGES = [("en", "English"), ("de", "German")]


def home_for(client_for, teacher, language):
    return client_for(teacher).get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language)


def test_a_page_reads_in_the_language_the_browser_asks_for(german, client_for, teacher):
    page = home_for(client_for, teacher, "de-DE,de;q=0.9,en;q=0.5").content.decode()
    assert "Abmelden" in page and "Zum Inhalt" in page
    assert '<html lang="de">' in page


def test_english_stays_the_default_and_unoffered_languages_fall_back_to_it(
    german, client_for, teacher, settings
):
    assert "Sign out" in home_for(client_for, teacher, "en").content.decode()
    assert "Sign out" in home_for(client_for, teacher, "fr-FR,fr").content.decode()
    settings.LANGUAGES = [("en", "English")]
    page = home_for(client_for, teacher, "de").content.decode()
    assert "Sign out" in page and "Abmelden" not in page
