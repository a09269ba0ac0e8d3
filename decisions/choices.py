"""The fixed vocabularies of decisions: process, status, visibility, who is involved how."""

from django.db import models


class ProcessType(models.TextChoices):
    CONSENT = "consent", "Consent (no reasoned objection)"
    CONSENSUS = "consensus", "Consensus"
    ADVICE = "advice", "Advice (decider seeks advice)"
    CONSULTATIVE = "consultative", "Consultative"
    VOTE = "vote", "Vote"
    DELEGATED = "delegated", "Delegated"


class InputKind(models.TextChoices):
    """What a person's input says. Each process asks for its own kinds (`KINDS_FOR_PROCESS`)."""

    OBJECTION = "objection", "Objection"
    CONCERN = "concern", "Concern"
    QUESTION = "question", "Question"
    IDEA = "idea", "Idea"
    SUPPORT = "support", "Support"
    CONSENT = "consent", "Consent"
    AGREE = "agree", "Agree"
    STAND_ASIDE = "stand_aside", "Stand aside"
    BLOCK = "block", "Block"
    ADVICE = "advice", "Advice"


# The kinds each process offers: its own first (those that can stop a decision leading),
# then the general kinds every process takes.
GENERAL_KINDS = [InputKind.CONCERN, InputKind.QUESTION, InputKind.IDEA, InputKind.SUPPORT]
KINDS_FOR_PROCESS = {
    ProcessType.CONSENT: [InputKind.OBJECTION, InputKind.CONSENT, *GENERAL_KINDS],
    ProcessType.CONSENSUS: [
        InputKind.BLOCK,
        InputKind.STAND_ASIDE,
        InputKind.AGREE,
        InputKind.CONCERN,
        InputKind.QUESTION,
        InputKind.IDEA,
    ],
    ProcessType.ADVICE: [InputKind.ADVICE, *GENERAL_KINDS, InputKind.OBJECTION],
    ProcessType.CONSULTATIVE: [*GENERAL_KINDS, InputKind.OBJECTION],
    ProcessType.VOTE: [*GENERAL_KINDS],
    ProcessType.DELEGATED: [*GENERAL_KINDS, InputKind.OBJECTION],
}

# Kinds that belong to one process: another process refuses them (the general kinds fit all).
PROCESS_ONLY_KINDS = {
    InputKind.CONSENT: ProcessType.CONSENT,
    InputKind.AGREE: ProcessType.CONSENSUS,
    InputKind.STAND_ASIDE: ProcessType.CONSENSUS,
    InputKind.BLOCK: ProcessType.CONSENSUS,
    InputKind.ADVICE: ProcessType.ADVICE,
}


def kind_fits(kind: str, process: str) -> bool:
    return kind in InputKind.values and PROCESS_ONLY_KINDS.get(kind, process) == process


# Input that stops a decision until it is resolved: an objection (consent), a block (consensus).
STOPPING_KINDS = frozenset({InputKind.OBJECTION, InputKind.BLOCK})


class Resolution(models.TextChoices):
    AMENDED = "amended", "The proposal was amended to meet it"
    WITHDRAWN = "withdrawn", "Withdrawn by its author"
    NOT_PARAMOUNT = "not_paramount", "Ruled not paramount by the facilitator"
    LIFTED = "lifted", "Lifted by its author"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN_FOR_INPUT = "open_for_input", "Open for input"
    DECIDING = "deciding", "Deciding"
    DECIDED = "decided", "Decided"
    IMPLEMENTING = "implementing", "Implementing"
    REVIEWING = "reviewing", "Reviewing"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SUPERSEDED = "superseded", "Superseded"


DECIDED_STATUSES = frozenset(
    {Status.DECIDED, Status.IMPLEMENTING, Status.REVIEWING, Status.CLOSED, Status.SUPERSEDED}
)
FINISHED_STATUSES = frozenset({Status.CLOSED, Status.WITHDRAWN, Status.SUPERSEDED})


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone, signed in or not"
    DISTRICT = "district", "District: all staff of the district"
    STAKEHOLDERS = "stakeholders", "Stakeholders: the people it involves"
    TEAM = "team", "Team: the owning team only"


class Domain(models.TextChoices):
    BUDGET = "budget", "Budget"
    SCHEDULE = "schedule", "Schedule and calendar"
    CURRICULUM = "curriculum", "Curriculum and assessment"
    STAFFING = "staffing", "Staffing"
    PROFESSIONAL_LEARNING = "professional_learning", "Professional learning"
    FACILITIES = "facilities", "Facilities"
    STUDENT_SUPPORT = "student_support", "Student support"
    POLICY = "policy", "Policy"
    OTHER = "other", "Other"


class Level(models.TextChoices):
    DISTRICT = "district", "District"
    SCHOOL = "school", "School"
    TEAM = "team", "Team"


class Involvement(models.TextChoices):
    DECIDES = "decides", "Decides"
    FACILITATES = "facilitates", "Facilitates"
    CONSULTED = "consulted", "Consulted"
    INFORMED = "informed", "Informed"
    AFFECTED = "affected", "Affected"


class Authority(models.TextChoices):
    DECIDES = "decides", "Decides"
    RECOMMENDS = "recommends", "Recommends"
    CONSULTED = "consulted", "Is consulted"


class StakeholderKind(models.TextChoices):
    PERSON = "person", "A person"
    TEAM = "team", "A team"
    SCHOOL = "school", "Everyone at a school"
    ROLE = "role", "A role (at a school, or district-wide)"
    DISTRICT = "district", "The whole district"


class NoticeKind(models.TextChoices):
    """The notices about a decision; each goes to a person once (notifications' `key`)."""

    WINDOW_OPENED = "window_opened", "Input window opened"
    CLOSING_SOON = "closing_soon", "Closing in 48 hours"
    DECIDED = "decided", "Decision made"
    REFLECTION_DUE = "reflection_due", "Reflection due"
