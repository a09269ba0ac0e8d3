"""Writes to the decision-rights map from the app: a district leader adds or removes a line.

Each change is kept (`DecisionRightChange`) with who and when, and the flags of the decisions
decided in that domain are refreshed in the same transaction, as the admin does.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from districts.models import User

from .models import DecisionRight, DecisionRightChange
from .services import flags_refresh_for_rights


def _describe(right: DecisionRight) -> str:
    text = (
        f"{right.holder} {right.get_authority_display().lower()} on "
        f"{right.get_domain_display().lower()} at {right.get_level_display().lower()} level"
    )
    return f"{text} ({right.note})" if right.note else text


@transaction.atomic
def right_add(*, by: User, **fields) -> DecisionRight:
    if not by.is_district_leader:
        raise ValidationError(_("Only the district's leaders change the decision-rights map."))
    right = DecisionRight(district_id=by.district_id, **fields)
    right.full_clean()
    right.save()
    DecisionRightChange.objects.create(
        district_id=by.district_id, actor=by, action="added", right=_describe(right)[:400]
    )
    flags_refresh_for_rights(district_id=by.district_id, domains=[right.domain])
    return right


@transaction.atomic
def right_remove(*, right: DecisionRight, by: User) -> None:
    if not by.is_district_leader or right.district_id != by.district_id:
        raise ValidationError(_("Only the district's leaders change the decision-rights map."))
    DecisionRightChange.objects.create(
        district_id=right.district_id, actor=by, action="removed", right=_describe(right)[:400]
    )
    right.delete()
    flags_refresh_for_rights(district_id=right.district_id, domains=[right.domain])
