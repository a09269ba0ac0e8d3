"""Writes of rounding that touch more than one row. Each validates before it saves."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, Count, Max, Q, Value, When
from django.db.models.functions import ExtractYear
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from districts.models import Role, School, User
from notifications.services import notify

from .models import (
    Celebration,
    Conversation,
    FollowUp,
    RoundingVisit,
    SchoolCoverage,
    next_term_start,
    role_group_of,
    term_start,
)


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
    # Coverage counts the visit with its first conversation: an empty visit met nobody.
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
        raise ValidationError(_("This person is not in the district's roster."))
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
        raise ValidationError(_("Pick someone from the roster or write their name."))
    # The relations are rows in hand (the person checked above) and the one constraint is the
    # line above: check the fields without a query per relation and per constraint.
    conversation.full_clean(
        exclude=["district", "visit", "person"], validate_unique=False, validate_constraints=False
    )
    conversation.save()
    themes = [t for t in themes if t.district_id == visit.district_id]
    if themes:
        conversation.themes.add(*themes)
    coverage_count_in(visit=visit, conversation=conversation)
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
        raise ValidationError({"owner": _("The owner must work in this district.")})
    if conversation is not None and conversation.visit.school_id != school.pk:
        raise ValidationError(_("The conversation was held at another school."))
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
            subject=lambda: (
                _("A rounding follow-up at %(school)s is yours: %(what)s")
                % {"school": school.name, "what": follow_up.what}
            ),
            body=lambda: (
                _("Due %(date)s. Mark it green, yellow or red as it moves.")
                % {"date": date_format(due_on)}
            ),
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
        raise ValidationError(_("This person is not in the district's roster."))
    if not (person or name.strip()):
        raise ValidationError({"name": _("Say who the celebration is for.")})
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


# Coverage ------------------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def coverage_count_in(*, visit: RoundingVisit, conversation: Conversation) -> None:
    """Count a new conversation, and with it its visit, into its school's coverage row.

    The school row is locked first, so two people saving at the same school count one after
    the other and neither count misses the other's. Edits and deletes recount instead
    (`coverage_recount`).
    """
    district_id, date, school_id = visit.district_id, visit.date, visit.school_id
    list(
        School.objects.select_for_update(no_key=True)
        .filter(district_id=district_id, pk=school_id)
        .values_list("pk")
    )
    # Read after the lock, in a statement of its own: a row read along with the lock would be
    # as it was before the wait, without what the writer ahead of us just saved.
    coverage = SchoolCoverage.objects.filter(school_id=school_id).first() or SchoolCoverage(
        district_id=district_id, school_id=school_id
    )
    if coverage.last_visit is None or coverage.last_visit < date:
        coverage.last_visit = date
    group = conversation.role_group
    if (coverage.last_met_on(group) or date) <= date:
        coverage.last_met[group] = date.isoformat()
    term = term_start(date)
    # Someone from the roster counts once a term; each unnamed conversation counts.
    met_before = (
        conversation.person_id is not None
        and Conversation.objects.filter(
            district_id=district_id,
            person_id=conversation.person_id,
            visit__school_id=school_id,
            visit__date__gte=term,
            visit__date__lt=next_term_start(term),
        )
        .exclude(pk=conversation.pk)
        .exists()
    )
    if not met_before:
        key = term.isoformat()
        coverage.met_by_term[key] = coverage.met_by_term.get(key, 0) + 1
    coverage.save()


@transaction.atomic(savepoint=False)
def coverage_recount(*, school_ids) -> None:
    """Recount these schools' rows in full: after an edit or a delete in the admin."""
    locked = list(
        School.objects.select_for_update(no_key=True)
        .filter(pk__in=set(school_ids))
        .order_by("pk")
        .values_list("district_id", "pk")
    )
    for district_id in {district_id for district_id, _pk in locked}:
        schools = [pk for district, pk in locked if district == district_id]
        _save_coverage(_count_coverage(district_id=district_id, school_ids=schools))


def coverage_rebuild(*, district_id: int) -> None:
    """Recount every school of the district at once: after a bulk load such as `seed_scale`."""
    _save_coverage(_count_coverage(district_id=district_id, school_ids=None))


def _count_coverage(*, district_id: int, school_ids: list[int] | None) -> list[SchoolCoverage]:
    """Three aggregate queries, whatever the number of schools; only this district's rows."""
    schools = School.objects.filter(district_id=district_id)
    visits = RoundingVisit.objects.filter(district_id=district_id, school__district_id=district_id)
    conversations = Conversation.objects.filter(
        district_id=district_id, visit__district_id=district_id
    )
    if school_ids is not None:
        schools = schools.filter(pk__in=school_ids)
        visits = visits.filter(school_id__in=school_ids)
        conversations = conversations.filter(visit__school_id__in=school_ids)
    rows = {
        pk: SchoolCoverage(district_id=district_id, school_id=pk)
        for pk in (school_ids if school_ids is not None else schools.values_list("pk", flat=True))
    }
    # A visit counts once it has a conversation.
    held = conversations.values_list("visit__school_id").annotate(last=Max("visit__date"))
    for school_id, last in held.order_by():
        rows[school_id].last_visit = last
    by_group = (
        conversations.values_list("visit__school_id", "role_group")
        .annotate(last=Max("visit__date"))
        .order_by()
    )
    for school_id, group, last in by_group:
        rows[school_id].last_met[group] = last.isoformat()
    by_term = (
        conversations.annotate(
            year=ExtractYear("visit__date"),
            autumn=Case(
                When(visit__date__month__gte=8, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values_list("visit__school_id", "year", "autumn")
        .annotate(
            roster=Count("person", distinct=True),
            unnamed=Count("pk", filter=Q(person__isnull=True)),
        )
        .order_by()
    )
    for school_id, year, autumn, roster, unnamed in by_term:
        start = term_start(datetime.date(year, 8 if autumn else 1, 1))
        rows[school_id].met_by_term[start.isoformat()] = roster + unnamed
    return list(rows.values())


def _save_coverage(rows: list[SchoolCoverage]) -> None:
    SchoolCoverage.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["school"],
        update_fields=["last_visit", "last_met", "met_by_term"],
    )


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
