"""The fixed vocabularies of decisions: process, status, visibility, who is involved how."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessType(models.TextChoices):
    CONSENT = "consent", _("Consent (no reasoned objection)")
    CONSENSUS = "consensus", _("Consensus")
    ADVICE = "advice", _("Advice (decider seeks advice)")
    CONSULTATIVE = "consultative", _("Consultative")
    VOTE = "vote", _("Vote")
    DELEGATED = "delegated", _("Delegated")


class InputKind(models.TextChoices):
    """What a person's input says. Each process asks for its own kinds (`KINDS_FOR_PROCESS`)."""

    OBJECTION = "objection", _("Objection")
    CONCERN = "concern", _("Concern")
    QUESTION = "question", _("Question")
    IDEA = "idea", _("Idea")
    SUPPORT = "support", _("Support")
    CONSENT = "consent", _("Consent")
    AGREE = "agree", _("Agree")
    STAND_ASIDE = "stand_aside", _("Stand aside")
    BLOCK = "block", _("Block")
    ADVICE = "advice", _("Advice")


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
    AMENDED = "amended", _("The proposal was amended to meet it")
    WITHDRAWN = "withdrawn", _("Withdrawn by its author")
    NOT_PARAMOUNT = "not_paramount", _("Ruled not paramount by the facilitator")
    LIFTED = "lifted", _("Lifted by its author")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN_FOR_INPUT = "open_for_input", _("Open for input")
    DECIDING = "deciding", _("Deciding")
    DECIDED = "decided", _("Decided")
    IMPLEMENTING = "implementing", _("Implementing")
    REVIEWING = "reviewing", _("Reviewing")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUPERSEDED = "superseded", _("Superseded")


DECIDED_STATUSES = frozenset(
    {Status.DECIDED, Status.IMPLEMENTING, Status.REVIEWING, Status.CLOSED, Status.SUPERSEDED}
)
FINISHED_STATUSES = frozenset({Status.CLOSED, Status.WITHDRAWN, Status.SUPERSEDED})


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone, signed in or not")
    DISTRICT = "district", _("District: all staff of the district")
    STAKEHOLDERS = "stakeholders", _("Stakeholders: the people it involves")
    TEAM = "team", _("Team: the owning team only")


class Domain(models.TextChoices):
    BUDGET = "budget", _("Budget")
    SCHEDULE = "schedule", _("Schedule and calendar")
    CURRICULUM = "curriculum", _("Curriculum and assessment")
    STAFFING = "staffing", _("Staffing")
    PROFESSIONAL_LEARNING = "professional_learning", _("Professional learning")
    FACILITIES = "facilities", _("Facilities")
    STUDENT_SUPPORT = "student_support", _("Student support")
    POLICY = "policy", _("Policy")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    DISTRICT = "district", _("District")
    SCHOOL = "school", _("School")
    TEAM = "team", _("Team")


class Involvement(models.TextChoices):
    DECIDES = "decides", _("Decides")
    FACILITATES = "facilitates", _("Facilitates")
    CONSULTED = "consulted", _("Consulted")
    INFORMED = "informed", _("Informed")
    AFFECTED = "affected", _("Affected")


class Authority(models.TextChoices):
    DECIDES = "decides", _("Decides")
    RECOMMENDS = "recommends", _("Recommends")
    CONSULTED = "consulted", _("Is consulted")


class StakeholderKind(models.TextChoices):
    PERSON = "person", _("A person")
    TEAM = "team", _("A team")
    SCHOOL = "school", _("Everyone at a school")
    ROLE = "role", _("A role (at a school, or district-wide)")
    DISTRICT = "district", _("The whole district")


class NoticeKind(models.TextChoices):
    """The notices about a decision; each goes to a person once (notifications' `key`)."""

    WINDOW_OPENED = "window_opened", _("Input window opened")
    CLOSING_SOON = "closing_soon", _("Closing in 48 hours")
    DECIDED = "decided", _("Decision made")
    REFLECTION_DUE = "reflection_due", _("Reflection due")
