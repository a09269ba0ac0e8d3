"""Views of decisions, split by area; URLs and imports use this package."""

from .actions import (
    decide,
    open_input,
    principle_test,
    reflect,
    stakeholder_add,
    stakeholder_remove,
    supersede,
    transition,
)
from .common import decision_for_user
from .detail import INPUT_PAGE_SIZE, decision_detail, input_give, input_page, input_respond
from .lists import (
    affects_me,
    decision_list,
    export_csv,
    flagged_list,
    input_csv,
    my_input,
    public_detail,
    public_list,
)
from .principles import principles_coverage
from .process import input_resolve, process_change, vote
from .rights import right_add, right_remove, rights_map
from .versions import decision_version
from .wizard import decision_create, decision_edit

__all__ = [
    "INPUT_PAGE_SIZE",
    "affects_me",
    "decide",
    "decision_version",
    "decision_create",
    "decision_detail",
    "decision_edit",
    "decision_for_user",
    "decision_list",
    "export_csv",
    "flagged_list",
    "input_csv",
    "input_give",
    "input_page",
    "input_resolve",
    "input_respond",
    "principles_coverage",
    "process_change",
    "vote",
    "my_input",
    "open_input",
    "principle_test",
    "public_detail",
    "public_list",
    "reflect",
    "right_add",
    "right_remove",
    "rights_map",
    "stakeholder_add",
    "stakeholder_remove",
    "supersede",
    "transition",
]
