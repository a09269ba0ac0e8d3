"""Rounding visits, conversations, follow-ups and the schools' coverage."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from rounding.models import (
    Celebration,
    Conversation,
    FollowUp,
    FollowUpStatusChange,
    RoundingVisit,
    role_group_of,
)
from rounding.services import coverage_rebuild

from .base import YEARS_BACK
from .words import CONCERNS, FIRST, FOLLOW_UP_WHAT, IDEAS, WORKING

DAY = datetime.timedelta(days=1)
UNNAMED_GROUPS = ["cook", "custodian", "student", "family"]
VISIT_FIELDS = [
    "id",
    "district_id",
    "school_id",
    "date",
    "purpose",
    "summary",
    "created_by_id",
    "created_at",
]
CONVERSATION_FIELDS = [
    "id",
    "district_id",
    "visit_id",
    "person_id",
    "name",
    "role_group",
    "working",
    "concerns",
    "ideas",
    "recognition",
    "created_at",
]
CELEBRATION_FIELDS = [
    "district_id",
    "school_id",
    "visit_id",
    "person_id",
    "what",
    "shared",
    "acknowledged_on",
    "recorded_by_id",
    "created_at",
]
FOLLOW_UP_FIELDS = [
    "id",
    "district_id",
    "school_id",
    "conversation_id",
    "what",
    "heard",
    "owner_id",
    "due_on",
    "status",
    "reason",
    "done_at",
    "created_by_id",
    "created_at",
]
CHANGE_FIELDS = ["district_id", "follow_up_id", "by_id", "at", "old_status", "new_status", "reason"]


class RoundingPart:
    def rounding(self):
        visit_ids, plan = self._visits()
        conv_ids, conv_plan = self._conversations(visit_ids, plan)
        self._follow_ups(plan, conv_ids, conv_plan)
        # The coverage rows, counted from what was just copied in.
        coverage_rebuild(district_id=self.district.pk)

    def _visits(self):
        """Visits as (school index, date, leaders), written with their visitors."""
        rng, n_visits = self.rng, self.size.visits
        ids = self.w.ids(RoundingVisit, n_visits)
        visits, visitor_rows = [], []
        plan = []
        for v in range(n_visits):
            # School 1 is visited every two weeks, most recently this week.
            if v < min(50, n_visits // 4 + 1):
                school, date = 0, self.today - datetime.timedelta(days=14 * v + 2)
            else:
                school = rng.randrange(len(self.school_ids))
                date = self.today - datetime.timedelta(days=rng.randrange(YEARS_BACK))
            leaders = rng.sample(self.leaders, min(len(self.leaders), rng.choice([1, 1, 2])))
            plan.append((school, date, leaders))
        for vid, (school, date, leaders) in zip(ids, plan, strict=True):
            created = datetime.datetime.combine(date, datetime.time(15), tzinfo=datetime.UTC)
            visits.append(
                (
                    vid,
                    self.district.pk,
                    self.school_ids[school],
                    date,
                    "Meet the kitchen team and new teachers",
                    "Good energy; copier and substitutes came up again.",
                    self.uid[leaders[0]],
                    created,
                )
            )
            for k in leaders:
                visitor_rows.append((vid, self.uid[k]))
        self.w.write(RoundingVisit, VISIT_FIELDS, visits, "visits")
        through = RoundingVisit.visitors.through
        self.w.write(through, ["roundingvisit_id", "user_id"], visitor_rows, "visitors")
        return ids, plan

    def _conversations(self, visit_ids, plan):
        """Conversations spread over the visits; returns their ids and each one's visit index."""
        rng, n_visits, n_conv = self.rng, self.size.visits, self.size.conversations
        per_visit = [n_conv // n_visits] * n_visits
        for _ in range(n_conv - sum(per_visit)):
            per_visit[rng.randrange(n_visits)] += 1
        conv_ids = self.w.ids(Conversation, n_conv)
        rows = SimpleNamespace(conversations=[], themes=[], celebrations=[])
        conv_plan = []  # (conversation index → visit index)
        c = 0
        for v, count in enumerate(per_visit):
            for j in range(count):
                self._conversation(conv_ids[c], j, visit_ids[v], plan[v], rows)
                conv_plan.append(v)
                c += 1
            if v % 20000 == 0:
                self.tick("conversations (built)", c, n_conv)
        self.w.write(Conversation, CONVERSATION_FIELDS, rows.conversations, "conversations")
        through = Conversation.themes.through
        self.w.write(through, ["conversation_id", "theme_id"], rows.themes, "conversation themes")
        self.w.write(Celebration, CELEBRATION_FIELDS, rows.celebrations, "celebrations")
        return conv_ids, conv_plan

    def _conversation(self, cid, j, visit_id, visit, rows) -> None:
        rng = self.rng
        school, date, leaders = visit
        roster = self.at_school[school]
        at = datetime.datetime.combine(
            date, datetime.time(9 + j // 4 % 8, (j % 4) * 15), tzinfo=datetime.UTC
        )
        if roster and rng.random() < 0.8:
            k = rng.choice(roster)
            person, name = self.uid[k], ""
            group = role_group_of(SimpleNamespace(title=self.title[k], role=self.role[k]))
        else:
            person, name = None, rng.choice(FIRST)
            group = rng.choice(UNNAMED_GROUPS)
        recognition = rng.random() < 0.05
        rows.conversations.append(
            (
                cid,
                self.district.pk,
                visit_id,
                person,
                name,
                str(group),
                rng.choice(WORKING),
                rng.choice(CONCERNS),
                rng.choice(IDEAS),
                "Thanks to the kitchen team for the early breakfast." if recognition else "",
                at,
            )
        )
        if rng.random() < 0.4:
            rows.themes.append((cid, rng.choice(self.theme_ids)))
        if recognition and roster:
            older = date < self.today - 7 * DAY
            rows.celebrations.append(
                (
                    self.district.pk,
                    self.school_ids[school],
                    visit_id,
                    self.uid[rng.choice(roster)],
                    "The early breakfast for students on test days.",
                    rng.random() < 0.8,
                    date + 2 * DAY if older else None,
                    self.uid[leaders[0]],
                    at,
                )
            )

    def _follow_ups(self, plan, conv_ids, conv_plan) -> None:
        """Follow-ups from conversations; school 1's come first so its stoplight is full."""
        rng, n_conv = self.rng, len(conv_ids)
        n_fu = min(self.size.follow_ups, n_conv)
        first = [c for c in range(n_conv) if plan[conv_plan[c]][0] == 0][: max(1, n_fu // 100)]
        rest = rng.sample(range(n_conv), n_fu)
        chosen = list(dict.fromkeys(first + rest))[:n_fu]
        fu_ids = self.w.ids(FollowUp, len(chosen))
        follow_ups, changes = [], []
        for fid, c in zip(fu_ids, chosen, strict=True):
            school, date, leaders = plan[conv_plan[c]]
            owner = self.principal_of[school] if rng.random() < 0.7 else leaders[0]
            due = date + 21 * DAY
            roll = rng.random()
            if due < self.today - 30 * DAY:
                status = "green" if roll < 0.7 else "red" if roll < 0.8 else "yellow"
            else:
                status = "yellow" if roll < 0.8 else "green"
            reason = {"green": "Done and told the staff.", "red": "Not in this year's budget."}.get(
                status, ""
            )
            created = datetime.datetime.combine(date, datetime.time(16), tzinfo=datetime.UTC)
            changed = datetime.datetime.combine(
                min(due, self.today), datetime.time(17), tzinfo=datetime.UTC
            )
            follow_ups.append(
                (
                    fid,
                    self.district.pk,
                    self.school_ids[school],
                    conv_ids[c],
                    rng.choice(FOLLOW_UP_WHAT),
                    "Staff lose time to small things that break.",
                    self.uid[owner],
                    due,
                    status,
                    reason,
                    changed if status == "green" else None,
                    self.uid[leaders[0]],
                    created,
                )
            )
            if status != "yellow":
                changes.append(
                    (self.district.pk, fid, self.uid[owner], changed, "yellow", status, reason)
                )
        self.w.write(FollowUp, FOLLOW_UP_FIELDS, follow_ups, "follow-ups")
        self.w.write(FollowUpStatusChange, CHANGE_FIELDS, changes, "follow-up changes")
