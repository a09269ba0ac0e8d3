"""Views of rounding, split by area; URLs and imports use this package."""

from .people import person_history
from .schools import (
    DONE_PAGE_SIZE,
    OPEN_PAGE_SIZE,
    briefing,
    celebration_acknowledge,
    celebrations,
    coverage,
    follow_up_detail,
    follow_up_edit,
    my_school,
    school_report,
    themes,
)
from .visits import (
    celebration_add,
    conversation_add,
    conversation_follow_up,
    note_check,
    roster_search,
    visit_detail,
    visit_list,
    visit_start,
    visit_summary,
)

__all__ = [
    "DONE_PAGE_SIZE",
    "OPEN_PAGE_SIZE",
    "briefing",
    "celebration_acknowledge",
    "celebration_add",
    "celebrations",
    "conversation_add",
    "conversation_follow_up",
    "coverage",
    "follow_up_detail",
    "follow_up_edit",
    "my_school",
    "note_check",
    "person_history",
    "roster_search",
    "school_report",
    "themes",
    "visit_detail",
    "visit_list",
    "visit_start",
    "visit_summary",
]
