"""Decision records: the process, the people it touches, their input and what was learned.

`from decisions.models import …` is how the rest of the project reaches decisions: the
vocabularies (`choices`) and the access rule (`access`) are re-exported here with the models.
"""

from ..access import (
    can_decide,
    can_edit,
    can_write_versions,
    holds_right,
    matches_person,
    may_give_input,
    people_of,
)
from ..choices import (
    DECIDED_STATUSES,
    FINISHED_STATUSES,
    KINDS_FOR_PROCESS,
    STOPPING_KINDS,
    Authority,
    Domain,
    InputKind,
    Involvement,
    Level,
    NoticeKind,
    ProcessType,
    Resolution,
    Status,
    Visibility,
)
from .decision import TRACKED_FIELDS, Decision, DecisionCounter, DecisionEvent
from .related import (
    DecisionPrinciple,
    DecisionRight,
    Input,
    Reflection,
    Stakeholder,
    anonymous_key,
    anonymous_keys,
)
from .rights import DecisionRightChange
from .versions import DecisionVersion
from .vote import Ballot, Turnout

__all__ = [
    "DECIDED_STATUSES",
    "FINISHED_STATUSES",
    "KINDS_FOR_PROCESS",
    "STOPPING_KINDS",
    "Ballot",
    "InputKind",
    "Resolution",
    "Turnout",
    "TRACKED_FIELDS",
    "Authority",
    "Decision",
    "DecisionCounter",
    "DecisionEvent",
    "DecisionPrinciple",
    "DecisionRight",
    "DecisionRightChange",
    "DecisionVersion",
    "Domain",
    "Input",
    "Involvement",
    "Level",
    "NoticeKind",
    "ProcessType",
    "Reflection",
    "Stakeholder",
    "Status",
    "Visibility",
    "anonymous_key",
    "anonymous_keys",
    "can_decide",
    "can_edit",
    "can_write_versions",
    "holds_right",
    "matches_person",
    "may_give_input",
    "people_of",
]
