"""Writes of the insights app: the journey's milestones, added and removed by district leaders."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from districts.models import User

from .models import Milestone


def _leader(by: User) -> None:
    if not by.is_district_leader:
        raise PermissionDenied(_("Only the district's leaders add milestones to the journey."))


def milestone_add(*, by: User, day: datetime.date, title: str) -> Milestone:
    _leader(by)
    return Milestone.objects.create(
        district_id=by.district_id, day=day, title=title.strip(), created_by=by
    )


def milestone_remove(*, milestone: Milestone, by: User) -> None:
    _leader(by)
    if milestone.district_id != by.district_id:
        raise PermissionDenied(_("Only the district's leaders add milestones to the journey."))
    milestone.delete()
