"""Edits and removals of what rounding recorded, each kept in `RoundingChange` with the row as it was.

Keyword-only services: each checks, writes, records the history in the same transaction and
recounts the coverage of the school when a visit's date or a conversation changed.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from districts.models import School, User
from notifications.services import notify

from .models import Celebration, Conversation, FollowUp, RoundingChange, RoundingVisit
from .services import coverage_recount


def snapshot(row: models.Model) -> dict:
    """The row's own fields (and its themes) as text: what the history keeps."""
    data = {}
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        if isinstance(value, datetime.date | datetime.datetime):
            value = value.isoformat()
        data[field.attname] = value
    if isinstance(row, Conversation) and row.pk:
        data["themes"] = sorted(row.themes.values_list("name", flat=True))
    return data


def _record(row, *, kind: str, action: str, by: User, school_id: int, visit_id, what: str):
    RoundingChange.objects.create(
        district_id=row.district_id,
        school_id=school_id,
        visit_id=visit_id,
        kind=kind,
        object_id=row.pk,
        action=action,
        what=what[:300],
        before=snapshot(row),
        by=by,
    )


def _apply(row, data: dict, exclude=()) -> None:
    for field, value in data.items():
        if field != "themes":
            setattr(row, field, value)
    row.full_clean(exclude=list(exclude), validate_constraints=False, validate_unique=False)


@transaction.atomic
def conversation_edit(*, conversation: Conversation, by: User, **data) -> Conversation:
    visit = conversation.visit
    _record(
        conversation,
        kind="conversation",
        action=RoundingChange.Action.EDITED,
        by=by,
        school_id=visit.school_id,
        visit_id=visit.pk,
        what=str(conversation),
    )
    person = data.get("person")
    if person is not None and person.district_id != conversation.district_id:
        raise ValidationError(_("This person is not in the district's roster."))
    if person is not None:
        data["name"] = ""
    elif not data.get("name", "").strip():
        raise ValidationError(_("Pick someone from the roster or write their name."))
    if not data.get("role_group"):
        data["role_group"] = conversation.role_group
    themes = [t for t in data.pop("themes", []) if t.district_id == conversation.district_id]
    _apply(conversation, data, exclude=["district", "visit", "person"])
    conversation.save()
    conversation.themes.set(themes)
    coverage_recount(school_ids=[visit.school_id])
    return conversation


@transaction.atomic
def conversation_remove(*, conversation: Conversation, by: User) -> None:
    visit = conversation.visit
    _record(
        conversation,
        kind="conversation",
        action=RoundingChange.Action.REMOVED,
        by=by,
        school_id=visit.school_id,
        visit_id=visit.pk,
        what=str(conversation),
    )
    conversation.delete()
    coverage_recount(school_ids=[visit.school_id])


@transaction.atomic
def visit_edit(*, visit: RoundingVisit, by: User, date: datetime.date, purpose: str) -> None:
    _record(
        visit,
        kind="visit",
        action=RoundingChange.Action.EDITED,
        by=by,
        school_id=visit.school_id,
        visit_id=visit.pk,
        what=_("Visit to %(school)s") % {"school": visit.school.name},
    )
    _apply(visit, {"date": date, "purpose": purpose.strip()})
    early = FollowUp.objects.filter(
        district_id=visit.district_id, conversation__visit=visit, due_on__lt=date
    )
    if early.exists():
        raise ValidationError(
            {"date": _("A follow-up of this visit would then be due before the visit.")}
        )
    visit.save(update_fields=["date", "purpose"])
    coverage_recount(school_ids=[visit.school_id])


@transaction.atomic
def visit_remove(*, visit: RoundingVisit, by: User) -> None:
    """The visit and its conversations; their follow-ups stay on the stoplight."""
    for conversation in visit.conversations.all():
        _record(
            conversation,
            kind="conversation",
            action=RoundingChange.Action.REMOVED,
            by=by,
            school_id=visit.school_id,
            visit_id=visit.pk,
            what=str(conversation),
        )
    _record(
        visit,
        kind="visit",
        action=RoundingChange.Action.REMOVED,
        by=by,
        school_id=visit.school_id,
        visit_id=visit.pk,
        what=_("Visit to %(school)s on %(date)s")
        % {"school": visit.school.name, "date": visit.date.isoformat()},
    )
    school_id = visit.school_id
    visit.delete()
    coverage_recount(school_ids=[school_id])


@transaction.atomic
def celebration_edit(*, celebration: Celebration, by: User, **data) -> None:
    _record(
        celebration,
        kind="celebration",
        action=RoundingChange.Action.EDITED,
        by=by,
        school_id=celebration.school_id,
        visit_id=celebration.visit_id,
        what=str(celebration),
    )
    person = data.get("person")
    if person is not None and person.district_id != celebration.district_id:
        raise ValidationError(_("This person is not in the district's roster."))
    if person is not None:
        data["name"] = ""
    _apply(celebration, data, exclude=["district", "school", "visit", "person"])
    celebration.save()


@transaction.atomic
def celebration_remove(*, celebration: Celebration, by: User) -> None:
    _record(
        celebration,
        kind="celebration",
        action=RoundingChange.Action.REMOVED,
        by=by,
        school_id=celebration.school_id,
        visit_id=celebration.visit_id,
        what=str(celebration),
    )
    celebration.delete()


def _visit_of(follow_up: FollowUp):
    return (
        Conversation.objects.filter(pk=follow_up.conversation_id)
        .values_list("visit_id", flat=True)
        .first()
    )


@transaction.atomic
def follow_up_edit(*, follow_up: FollowUp, by: User, **data) -> None:
    owner = data.get("owner")
    if owner is not None and owner.district_id != follow_up.district_id:
        raise ValidationError({"owner": _("The owner must work in this district.")})
    _record(
        follow_up,
        kind="follow_up",
        action=RoundingChange.Action.EDITED,
        by=by,
        school_id=follow_up.school_id,
        visit_id=_visit_of(follow_up),
        what=str(follow_up),
    )
    _apply(follow_up, data, exclude=["owner", "school", "district", "conversation"])
    follow_up.save(update_fields=list(data))


@transaction.atomic
def follow_up_remove(*, follow_up: FollowUp, by: User) -> None:
    _record(
        follow_up,
        kind="follow_up",
        action=RoundingChange.Action.REMOVED,
        by=by,
        school_id=follow_up.school_id,
        visit_id=_visit_of(follow_up),
        what=str(follow_up),
    )
    follow_up.delete()
    if follow_up.owner_id != by.pk:
        school = School.objects.get(pk=follow_up.school_id)
        notify(
            recipients=[follow_up.owner],
            kind="rounding.follow_up",
            subject=lambda: (
                _("A rounding follow-up at %(school)s was removed: %(what)s")
                % {"school": school.name, "what": follow_up.what}
            ),
            body=lambda: (
                _("%(name)s removed it; it is no longer yours to track.") % {"name": by.name}
            ),
            url=reverse("rounding:school", args=[school.pk]),
        )
