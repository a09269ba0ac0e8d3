"""Writes that touch more than one row. Each validates before it saves."""

import datetime

from django.db import transaction
from django.db.models import QuerySet

from .languages import offered_code
from .models import (
    CodeOfCooperation,
    CodeOfCooperationRevision,
    District,
    GuidingPrinciple,
    GuidingPrincipleRevision,
    School,
    SharedPurpose,
    SharedPurposeRevision,
    User,
)

REVISION_MODELS = {
    SharedPurpose: (SharedPurposeRevision, "purpose"),
    GuidingPrinciple: (GuidingPrincipleRevision, "principle"),
    CodeOfCooperation: (CodeOfCooperationRevision, "code"),
}


@transaction.atomic
def revision_add(
    *,
    document: SharedPurpose | GuidingPrinciple | CodeOfCooperation,
    by: User | None,
    text: str,
    adopted_on: datetime.date,
    review_on: datetime.date | None = None,
    participants=(),
    participants_note: str = "",
):
    """Keep a new wording of a living document; earlier wordings stay as its history."""
    revision_model, parent_field = REVISION_MODELS[type(document)]
    revision = revision_model(
        **{parent_field: document},
        text=text.strip(),
        adopted_on=adopted_on,
        review_on=review_on,
        participants_note=participants_note,
        recorded_by=by,
    )
    revision.full_clean()
    revision.save()
    revision.participants.set([p for p in participants if p.district_id == document.district_id])
    return revision


@transaction.atomic
def purpose_revise(*, district: District, school: School | None, by: User | None, **revision):
    purpose, _ = SharedPurpose.objects.get_or_create(district=district, school=school)
    return revision_add(document=purpose, by=by, **revision)


@transaction.atomic
def principle_create(
    *,
    district: District,
    title: str,
    school: School | None = None,
    varies: GuidingPrinciple | None = None,
    by: User | None,
    **revision,
) -> GuidingPrinciple:
    position = (
        varies.position if varies else GuidingPrinciple.objects.filter(district=district).count()
    )
    principle = GuidingPrinciple(
        district=district, school=school, varies=varies, title=title.strip(), position=position
    )
    principle.full_clean()
    principle.save()
    revision_add(document=principle, by=by, **revision)
    return principle


@transaction.atomic
def code_create(*, teacher: User, school: School, class_name: str, **revision) -> CodeOfCooperation:
    code = CodeOfCooperation(
        district_id=teacher.district_id,
        teacher=teacher,
        school=school,
        class_name=class_name.strip(),
    )
    code.full_clean()
    code.save()
    revision_add(document=code, by=teacher, **revision)
    return code


def person_language_choose(*, person: User, language: str) -> None:
    """The person's own choice: kept over any setting of an administrator's."""
    person.language = offered_code(language)
    person.language_chosen = bool(person.language)
    person.save(update_fields=["language", "language_chosen"])


def people_language_set(*, people: QuerySet[User], language: str) -> int:
    """An administrator's language for people who have not chosen theirs; how many changed."""
    code = offered_code(language)
    return people.filter(language_chosen=False).exclude(language=code).update(language=code)
