"""Writes of rounding that touch more than one row. Each validates before it saves."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction

from districts.models import Role, School, Theme, User
from notifications.services import notify

from .models import Celebration, Conversation, FollowUp, RoundingVisit, role_group_of


@transaction.atomic
def visit_start(
    *,
    school: School,
    by: User,
    date: datetime.date,
    visitors=(),
    purpose: str = "",
) -> RoundingVisit:
    """Open a visit; whoever starts it is always among the visitors."""
    visit = RoundingVisit(
        district_id=school.district_id,
        school=school,
        date=date,
        purpose=purpose.strip(),
        created_by=by,
    )
    visit.full_clean()
    visit.save()
    people = {by.pk: by} | {p.pk: p for p in visitors if p.district_id == school.district_id}
    visit.visitors.set(people.values())
    return visit


@transaction.atomic
def conversation_add(
    *,
    visit: RoundingVisit,
    person: User | None = None,
    name: str = "",
    role_group: str = "",
    working: str = "",
    concerns: str = "",
    ideas: str = "",
    recognition: str = "",
    themes=(),
) -> Conversation:
    """Log one conversation; a roster person's role group comes from their role and title."""
    if person is not None and person.district_id != visit.district_id:
        raise ValidationError("This person is not in the district's roster.")
    if person is not None and not role_group:
        role_group = role_group_of(person)
    conversation = Conversation(
        district_id=visit.district_id,
        visit=visit,
        person=person,
        name="" if person else name.strip(),
        role_group=role_group,
        working=working.strip(),
        concerns=concerns.strip(),
        ideas=ideas.strip(),
        recognition=recognition.strip(),
    )
    if person is None and not conversation.name:
        raise ValidationError("Pick someone from the roster or write their name.")
    # The relations are rows in hand (the person checked above) and the one constraint is the
    # line above: check the fields without a query per relation and per constraint.
    conversation.full_clean(
        exclude=["district", "visit", "person"], validate_unique=False, validate_constraints=False
    )
    conversation.save()
    themes = [t for t in themes if t.district_id == visit.district_id]
    if themes:
        conversation.themes.set(themes)
    return conversation


@transaction.atomic
def follow_up_create(
    *,
    school: School,
    by: User,
    what: str,
    owner: User,
    due_on: datetime.date,
    heard: str = "",
    conversation: Conversation | None = None,
) -> FollowUp:
    """Turn a concern into a commitment with an owner; the owner hears about it in their inbox."""
    if owner.district_id != school.district_id:
        raise ValidationError({"owner": "The owner must work in this district."})
    if conversation is not None and conversation.visit.school_id != school.pk:
        raise ValidationError("The conversation was held at another school.")
    follow_up = FollowUp(
        district_id=school.district_id,
        school=school,
        conversation=conversation,
        what=what.strip(),
        heard=heard.strip(),
        owner=owner,
        due_on=due_on,
        created_by=by,
    )
    follow_up.full_clean()
    follow_up.save()
    if owner.pk != by.pk:
        notify(
            recipients=[owner],
            kind="rounding.follow_up",
            subject=f"A rounding follow-up at {school.name} is yours: {follow_up.what}",
            body=f"Due {due_on:%B %-d}. Mark it green, yellow or red as it moves.",
            url=follow_up.get_absolute_url(),
        )
    return follow_up


@transaction.atomic
def celebration_record(
    *,
    school: School,
    by: User,
    what: str,
    person: User | None = None,
    name: str = "",
    shared: bool = True,
    visit: RoundingVisit | None = None,
) -> Celebration:
    if person is not None and person.district_id != school.district_id:
        raise ValidationError("This person is not in the district's roster.")
    if not (person or name.strip()):
        raise ValidationError({"name": "Say who the celebration is for."})
    celebration = Celebration(
        district_id=school.district_id,
        school=school,
        visit=visit,
        person=person,
        name="" if person else name.strip(),
        what=what.strip(),
        shared=shared,
        recorded_by=by,
    )
    celebration.full_clean()
    celebration.save()
    return celebration


WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def student_names_in(*, school: School, texts) -> list[str]:
    """First names of the school's students that appear in the notes (notes naming students are records)."""
    words = {w.casefold() for text in texts if text for w in WORD.findall(text)}
    if not words:
        return []
    first_names = (
        User.objects.filter(district_id=school.district_id, role=Role.STUDENT, schools=school)
        .values_list("name", flat=True)
        .distinct()
    )
    found = {name.split()[0] for name in first_names if name.strip()}
    return sorted(n for n in found if n.casefold() in words)


def themes_for(district_id: int):
    return Theme.objects.filter(district_id=district_id).order_by("name")
