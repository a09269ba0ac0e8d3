"""The languages a district offers, and which one a person reads."""

from django.conf import settings
from django.utils.translation import get_language_info

# What rosters and people write for a language, beyond its code: ISO 639-2 codes and names.
NAMES = {
    "eng": "en",
    "english": "en",
    "spa": "es",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
}


def offered() -> list[tuple[str, str]]:
    """(code, the language's own name), e.g. ("es", "español"), in the order of LANGUAGES."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


def offered_code(value: str) -> str:
    """The offered language a roster or a form means ("es-MX", "spa", "Spanish"), or ""."""
    value = (value or "").strip().lower().replace("_", "-")
    codes = dict(settings.LANGUAGES)
    for candidate in (value, NAMES.get(value, ""), value.split("-")[0]):
        if candidate in codes:
            return candidate
    return ""


def language_of(person) -> str:
    """The language a person receives notices and e-mails in: theirs, or the site's default."""
    return offered_code(getattr(person, "language", "")) or settings.LANGUAGE_CODE
