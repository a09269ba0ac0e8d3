"""What the API answers: each row as the pages show it, and nothing the pages keep back."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from ninja import Schema


class Detail(Schema):
    detail: str


class Invalid(Schema):
    """Query parameters the API cannot take (a 422)."""

    detail: list[dict[str, Any]]


class Ref(Schema):
    id: int
    name: str


class Page(Schema):
    """One page of a list; `next_offset` is the `offset` of the next page, null on the last."""

    next_offset: int | None


class DecisionOut(Schema):
    id: int
    number: str
    title: str
    status: str
    process: str
    domain: str
    visibility: str
    school: Ref | None
    team: Ref | None
    input_opens: datetime.datetime | None
    input_closes: datetime.datetime | None
    decide_by: datetime.date | None
    decided_at: datetime.datetime | None
    review_on: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    url: str


class DecisionDetailOut(DecisionOut):
    context: str
    options: str
    outcome: str
    rationale: str
    impact_students: str
    staff_time: str


class DecisionPage(Page):
    items: list[DecisionOut]


class StakeholderOut(Schema):
    kind: str
    involvement: str
    describes: str
    person: Ref | None
    team: Ref | None
    school: Ref | None
    role: str


class StakeholderPage(Page):
    items: list[StakeholderOut]


class InputOut(Schema):
    """Anonymous input has no author: `author` is null and `anonymous` true, nothing else."""

    id: uuid.UUID
    kind: str
    text: str
    anonymous: bool
    author: Ref | None
    given_on: datetime.date
    themes: list[str]
    changed_decision: bool
    response: str
    resolution: str


class InputPage(Page):
    items: list[InputOut]


class ConversationOut(Schema):
    id: int
    with_whom: str
    person: Ref | None
    role_group: str
    working: str
    concerns: str
    ideas: str
    recognition: str
    themes: list[str]


class VisitOut(Schema):
    id: int
    school: Ref
    date: datetime.date
    purpose: str
    summary: str
    visitors: list[Ref]
    url: str


class VisitDetailOut(VisitOut):
    conversations: list[ConversationOut]


class VisitPage(Page):
    items: list[VisitOut]


class FollowUpOut(Schema):
    id: int
    school: Ref
    what: str
    heard: str
    owner: Ref
    due_on: datetime.date
    status: str
    reason: str
    done_at: datetime.datetime | None
    created_at: datetime.datetime
    url: str


class FollowUpPage(Page):
    items: list[FollowUpOut]


class CheckInOut(Schema):
    """The shared side of a meeting. Private notes are their writer's alone and never here."""

    id: int
    pair: int
    school: Ref
    supervisor: Ref
    principal: Ref
    scheduled_at: datetime.datetime
    status: str
    pulse: int | None
    shared_notes: str
    reflection: str
    url: str


class CheckInPage(Page):
    items: list[CheckInOut]


class SchoolOut(Schema):
    id: int
    name: str
    level: str
    url: str


class SchoolPage(Page):
    items: list[SchoolOut]


class PersonOut(Schema):
    id: int
    name: str
    role: str
    title: str
    schools: list[Ref]
    # Staff see each other's e-mail, as on the People page; students, families and community
    # members do not.
    email: str | None
    left_roster: bool
    url: str


class PersonPage(Page):
    items: list[PersonOut]
