"""Views of principals, split by area; URLs and imports use this package."""

from .check_ins import (
    action_add,
    action_done,
    agenda_add,
    agenda_resolve,
    check_in_detail,
    private_note,
    problem_add,
    record,
    reschedule,
    status,
)
from .common import check_in_for_user, editable_check_in
from .pairs import CARD_FIELDS, RECENT_MEETINGS, index, pair_detail, pair_new
from .schedule import EMERGING_PERIODS, breaks, calendar, emerging, feed

__all__ = [
    "CARD_FIELDS",
    "EMERGING_PERIODS",
    "RECENT_MEETINGS",
    "action_add",
    "action_done",
    "agenda_add",
    "agenda_resolve",
    "breaks",
    "calendar",
    "check_in_detail",
    "check_in_for_user",
    "editable_check_in",
    "emerging",
    "feed",
    "index",
    "pair_detail",
    "pair_new",
    "private_note",
    "problem_add",
    "record",
    "reschedule",
    "status",
]
