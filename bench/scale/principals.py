"""Check-in pairs and two years of their check-ins."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from principals import cadence
from principals.models import ActionItem, AgendaItem, CheckIn, CheckInPair, Problem
from principals.reminders import OVERDUE_MARGIN
from principals.services import HORIZON_WEEKS

from .base import BENCH_SUPERVISED, YEARS_BACK
from .words import AGENDA, TIMES

PAIR_FIELDS = [
    "id",
    "district_id",
    "supervisor_id",
    "principal_id",
    "school_id",
    "weekday",
    "local_time",
    "interval_weeks",
    "starts_on",
    "active",
    "planned_through",
    "overdue_since",
]
CHECK_IN_FIELDS = [
    "id",
    "district_id",
    "pair_id",
    "scheduled_at",
    "cadence_on",
    "status",
    "pulse",
    "shared_notes",
    "updated_at",
]
AGENDA_FIELDS = [
    "district_id",
    "pair_id",
    "check_in_id",
    "added_by_id",
    "kind",
    "text",
    "created_at",
    "resolved_at",
    "resolved_in_id",
]
ACTION_FIELDS = [
    "district_id",
    "pair_id",
    "check_in_id",
    "owner_id",
    "text",
    "due_on",
    "done_at",
    "created_at",
]
PROBLEM_FIELDS = ["district_id", "check_in_id", "school_id", "text", "raised_on"]


class PrincipalsPart:
    def check_ins(self):
        starts_on = self.today - datetime.timedelta(days=YEARS_BACK)
        until = self.today + datetime.timedelta(weeks=HORIZON_WEEKS)
        plans = self._pair_plans(starts_on, until)
        total = sum(len(plan[5]) for plan in plans)
        numbered = iter(enumerate(self.w.ids(CheckIn, total), start=1))
        rows = SimpleNamespace(check_ins=[], agenda=[], actions=[], problems=[])
        pairs = []
        allowed = datetime.timedelta(weeks=2) + OVERDUE_MARGIN
        for pid, p, supervisor, principal, at, dates in plans:
            last_held = self._pair_check_ins(pid, p, principal, at, dates, numbered, rows)
            since = last_held or datetime.datetime.combine(
                starts_on, datetime.time(), tzinfo=datetime.UTC
            )
            overdue = self.now if self.now - since > allowed else None
            pairs.append(
                (
                    pid,
                    self.district.pk,
                    self.uid[supervisor],
                    self.uid[principal],
                    self.school_ids[p],
                    p % 5,
                    at,
                    2,
                    starts_on,
                    True,
                    until,
                    overdue,
                )
            )
        self.w.write(CheckInPair, PAIR_FIELDS, pairs, "check-in pairs")
        self.w.write(CheckIn, CHECK_IN_FIELDS, rows.check_ins, "check-ins")
        self.w.write(AgendaItem, AGENDA_FIELDS, rows.agenda, "agenda items")
        self.w.write(ActionItem, ACTION_FIELDS, rows.actions, "action items")
        self.w.write(Problem, PROBLEM_FIELDS, rows.problems, "problems")

    def _pair_plans(self, starts_on, until) -> list[tuple]:
        """(pair id, school index, supervisor, principal, time, meeting dates) for each pair."""
        n = min(self.size.pairs, len(self.school_ids))
        first_supervisor = self.leaders[0]
        others = self.leaders[1:] or self.leaders
        plans = []
        for p, pid in enumerate(self.w.ids(CheckInPair, n)):
            supervisor = first_supervisor if p < BENCH_SUPERVISED else others[p % len(others)]
            dates = cadence.cadence_dates(
                starts_on=starts_on,
                weekday=p % 5,
                interval_weeks=2,
                since=starts_on,
                until=until,
                breaks=self.breaks,
            )
            plans.append((pid, p, supervisor, self.principal_of[p], TIMES[p % len(TIMES)], dates))
        return plans

    def _pair_check_ins(self, pid, p, principal, at, dates, numbered, rows):
        """A pair's check-ins, held or missed in the past; returns when it last met."""
        last_held = None
        upcoming_seen = False
        for day_ in dates:
            c, cid = next(numbered)
            when = cadence.instant(day_, at, self.zone)
            if when < self.now - datetime.timedelta(days=1):
                recent = when > self.now - datetime.timedelta(days=30)
                status = "held" if recent or self.rng.random() < 0.88 else "missed"
            else:
                status = "scheduled"
            pulse = notes = None
            if status == "held":
                last_held = when
                pulse = self.rng.randint(2, 5)
                notes = "Walked through attendance; agreed on the substitute pool."
                self._held(c, cid, pid, p, principal, day_, when, rows)
            elif status == "scheduled" and not upcoming_seen:
                upcoming_seen = True
                if p == 0:
                    self.built.bench.setdefault("check_in_id", cid)
                    self.built.bench.setdefault("pair_id", pid)
                for kind, text in AGENDA[:2]:
                    rows.agenda.append(
                        (
                            self.district.pk,
                            pid,
                            cid,
                            self.uid[principal],
                            kind,
                            text,
                            self.now - datetime.timedelta(hours=3),
                            None,
                            None,
                        )
                    )
            updated = when if status != "scheduled" else self.now
            rows.check_ins.append(
                (cid, self.district.pk, pid, when, day_, status, pulse, notes or "", updated)
            )
        return last_held

    def _held(self, c, cid, pid, p, principal, day_, when, rows) -> None:
        """What a held check-in leaves: an agenda item resolved, some actions and problems."""
        kind, text = AGENDA[c % len(AGENDA)]
        rows.agenda.append(
            (
                self.district.pk,
                pid,
                cid,
                self.uid[principal],
                kind,
                text,
                when - datetime.timedelta(days=2),
                when + datetime.timedelta(minutes=30),
                cid,
            )
        )
        if c % 2 == 0:
            done = when + datetime.timedelta(days=10)
            rows.actions.append(
                (
                    self.district.pk,
                    pid,
                    cid,
                    self.uid[principal],
                    "Share the attendance plan with the staff.",
                    day_ + datetime.timedelta(days=14),
                    done if done < self.now else None,
                    when,
                )
            )
        if c % 4 == 0:
            school_id = self.school_ids[p]
            text = "Friday substitutes are scarce"
            rows.problems.append((self.district.pk, cid, school_id, text, day_))
