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

from .base import (
    YEARS_BACK,
)
from .words import CONCERNS, FIRST, FOLLOW_UP_WHAT, IDEAS, WORKING


class RoundingPart:
    def rounding(self):
        rng, size = self.rng, self.size
        n_schools = len(self.school_ids)
        day = datetime.timedelta(days=1)
        n_visits = size.visits
        ids = self.w.ids(RoundingVisit, n_visits)
        visits, visitor_rows = [], []
        plan = []
        for v in range(n_visits):
            # School 1 is visited every two weeks, most recently this week.
            if v < min(50, n_visits // 4 + 1):
                school, date = 0, self.today - datetime.timedelta(days=14 * v + 2)
            else:
                school = rng.randrange(n_schools)
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
        self.w.write(
            RoundingVisit,
            [
                "id",
                "district_id",
                "school_id",
                "date",
                "purpose",
                "summary",
                "created_by_id",
                "created_at",
            ],
            visits,
            "visits",
        )
        self.w.write(
            RoundingVisit.visitors.through,
            ["roundingvisit_id", "user_id"],
            visitor_rows,
            "visitors",
        )

        n_conv = size.conversations
        per_visit = [n_conv // n_visits] * n_visits
        for _ in range(n_conv - sum(per_visit)):
            per_visit[rng.randrange(n_visits)] += 1
        conv_ids = self.w.ids(Conversation, n_conv)
        conversations, theme_rows, celebrations = [], [], []
        conv_plan = []  # (conversation index → visit index)
        c = 0
        unnamed_groups = ["cook", "custodian", "student", "family"]
        for v, count in enumerate(per_visit):
            school, date, leaders = plan[v]
            roster = self.at_school[school]
            for j in range(count):
                cid = conv_ids[c]
                at = datetime.datetime.combine(
                    date, datetime.time(9 + j // 4 % 8, (j % 4) * 15), tzinfo=datetime.UTC
                )
                if roster and rng.random() < 0.8:
                    k = rng.choice(roster)
                    person, name = self.uid[k], ""
                    group = role_group_of(SimpleNamespace(title=self.title[k], role=self.role[k]))
                else:
                    person, name = None, rng.choice(FIRST)
                    group = rng.choice(unnamed_groups)
                recognition = rng.random() < 0.05
                conversations.append(
                    (
                        cid,
                        self.district.pk,
                        ids[v],
                        person,
                        name,
                        str(group),
                        rng.choice(WORKING),
                        rng.choice(CONCERNS),
                        rng.choice(IDEAS),
                        "Thanks to the kitchen team for the early breakfast."
                        if recognition
                        else "",
                        at,
                    )
                )
                if rng.random() < 0.4:
                    theme_rows.append((cid, rng.choice(self.theme_ids)))
                if recognition and roster:
                    older = date < self.today - 7 * day
                    celebrations.append(
                        (
                            self.district.pk,
                            self.school_ids[school],
                            ids[v],
                            self.uid[rng.choice(roster)],
                            "The early breakfast for students on test days.",
                            rng.random() < 0.8,
                            date + 2 * day if older else None,
                            self.uid[leaders[0]],
                            at,
                        )
                    )
                conv_plan.append(v)
                c += 1
            if v % 20000 == 0:
                self.tick("conversations (built)", c, n_conv)
        self.w.write(
            Conversation,
            [
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
            ],
            conversations,
            "conversations",
        )
        self.w.write(
            Conversation.themes.through,
            ["conversation_id", "theme_id"],
            theme_rows,
            "conversation themes",
        )
        self.w.write(
            Celebration,
            [
                "district_id",
                "school_id",
                "visit_id",
                "person_id",
                "what",
                "shared",
                "acknowledged_on",
                "recorded_by_id",
                "created_at",
            ],
            celebrations,
            "celebrations",
        )

        # Follow-ups from conversations; school 1's come first so its stoplight is full.
        n_fu = min(size.follow_ups, n_conv)
        first = [c for c in range(n_conv) if plan[conv_plan[c]][0] == 0][: max(1, n_fu // 100)]
        rest = rng.sample(range(n_conv), n_fu)
        chosen = list(dict.fromkeys(first + rest))[:n_fu]
        fu_ids = self.w.ids(FollowUp, len(chosen))
        follow_ups, changes = [], []
        for fid, c in zip(fu_ids, chosen, strict=True):
            school, date, leaders = plan[conv_plan[c]]
            owner = self.principal_of[school] if rng.random() < 0.7 else leaders[0]
            due = date + 21 * day
            roll = rng.random()
            if due < self.today - 30 * day:
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
            what = rng.choice(FOLLOW_UP_WHAT)
            follow_ups.append(
                (
                    fid,
                    self.district.pk,
                    self.school_ids[school],
                    conv_ids[c],
                    what,
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
        self.w.write(
            FollowUp,
            [
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
            ],
            follow_ups,
            "follow-ups",
        )
        self.w.write(
            FollowUpStatusChange,
            ["district_id", "follow_up_id", "by_id", "at", "old_status", "new_status", "reason"],
            changes,
            "follow-up changes",
        )
        # The coverage rows, counted from what was just copied in: three aggregate queries.
        coverage_rebuild(district_id=self.district.pk)
