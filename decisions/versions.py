"""Which words of a public decision a reader sees: the version in their language, or the
original with a note that their language's version is not written yet."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from districts.languages import offered

from .models import Decision, DecisionVersion

FIELDS = ("title", "context", "outcome", "rationale")


@dataclass(frozen=True)
class Shown:
    title: str
    context: str
    outcome: str
    rationale: str
    # The reader's language, by its own name, when (part of) what is shown is the original.
    missing: str = ""
    original: str = ""  # the original's language code then, for the page's lang attribute


def version_languages() -> list[tuple[str, str]]:
    """The offered languages a version can be written in: all but the original's (the default)."""
    return [(code, name) for code, name in offered() if code != settings.LANGUAGE_CODE]


def shown(decision: Decision, version: DecisionVersion | None) -> Shown:
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return Shown(*(getattr(decision, field) for field in FIELDS))
    words = {field: (getattr(version, field, "") or getattr(decision, field)) for field in FIELDS}
    complete = version is not None and all(
        getattr(version, field) for field in FIELDS if getattr(decision, field)
    )
    name = dict(offered()).get(language, language)
    if complete:
        return Shown(**words)
    return Shown(**words, missing=name, original=settings.LANGUAGE_CODE)


def versions_for_reader(decisions) -> dict[int, DecisionVersion]:
    """The reader's language's versions of these decisions, in one query (none for the default)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return {}
    found = DecisionVersion.objects.filter(decision__in=decisions, language=language)
    return {version.decision_id: version for version in found}
