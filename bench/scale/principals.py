"""Check-in pairs and two years of their check-ins."""

from __future__ import annotations

import datetime

from principals import cadence
from principals.models import ActionItem, AgendaItem, CheckIn, CheckInPair, Problem
from principals.services import HORIZON_WEEKS, OVERDUE_MARGIN

from .base import (
    BENCH_SUPERVISED,
    YEARS_BACK,
)
from .words import AGENDA, TIMES


class PrincipalsPart:
    def check_ins(self):
        rng = self.rng
        n_schools = len(self.school_ids)
        n = min(self.size.pairs, n_schools)
        starts_on = self.today - datetime.timedelta(days=YEARS_BACK)
        until = self.today + datetime.timedelta(weeks=HORIZON_WEEKS)
        first_supervisor = self.leaders[0]
        others = self.leaders[1:] or self.leaders
        pair_ids = self.w.ids(CheckInPair, n)
        pairs, plans = [], []
        for p, pid in enumerate(pair_ids):
            supervisor = first_supervisor if p < BENCH_SUPERVISED else others[p % len(others)]
            principal = self.principal_of[p]
            weekday, at = p % 5, TIMES[p % len(TIMES)]
            dates = cadence.cadence_dates(
                starts_on=starts_on,
                weekday=weekday,
                interval_weeks=2,
                since=starts_on,
                until=until,
                breaks=self.breaks,
            )
            plans.append((pid, p, supervisor, principal, at, dates))
        total = sum(len(plan[5]) for plan in plans)
        ci_ids = self.w.ids(CheckIn, total)
        check_ins, agenda, actions, problems = [], [], [], []
        overdue: dict[int, datetime.datetime | None] = {}
        c = 0
        for pid, p, _supervisor, principal, at, dates in plans:
            last_held = None
            upcoming_seen = False
            for day_ in dates:
                cid = ci_ids[c]
                c += 1
                when = cadence.instant(day_, at, self.zone)
                if when < self.now - datetime.timedelta(days=1):
                    recent = when > self.now - datetime.timedelta(days=30)
                    status = "held" if recent or rng.random() < 0.88 else "missed"
                else:
                    status = "scheduled"
                pulse = notes = None
                if status == "held":
                    last_held = when
                    pulse = rng.randint(2, 5)
                    notes = "Walked through attendance; agreed on the substitute pool."
                    kind, text = AGENDA[c % len(AGENDA)]
                    agenda.append(
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
                        actions.append(
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
                        problems.append(
                            (
                                self.district.pk,
                                cid,
                                self.school_ids[p],
                                "Friday substitutes are scarce",
                                day_,
                            )
                        )
                elif status == "scheduled" and not upcoming_seen:
                    upcoming_seen = True
                    if p == 0:
                        self.built.bench.setdefault("check_in_id", cid)
                        self.built.bench.setdefault("pair_id", pid)
                    for kind, text in AGENDA[:2]:
                        agenda.append(
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
                check_ins.append(
                    (
                        cid,
                        self.district.pk,
                        pid,
                        when,
                        day_,
                        status,
                        pulse,
                        notes or "",
                        when if status != "scheduled" else self.now,
                    )
                )
            allowed = datetime.timedelta(weeks=2) + OVERDUE_MARGIN
            since = last_held or datetime.datetime.combine(
                starts_on, datetime.time(), tzinfo=datetime.UTC
            )
            overdue[pid] = self.now if self.now - since > allowed else None
        for pid, p, supervisor, principal, at, _dates in plans:
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
                    overdue[pid],
                )
            )
        self.w.write(
            CheckInPair,
            [
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
            ],
            pairs,
            "check-in pairs",
        )
        self.w.write(
            CheckIn,
            [
                "id",
                "district_id",
                "pair_id",
                "scheduled_at",
                "cadence_on",
                "status",
                "pulse",
                "shared_notes",
                "updated_at",
            ],
            check_ins,
            "check-ins",
        )
        self.w.write(
            AgendaItem,
            [
                "district_id",
                "pair_id",
                "check_in_id",
                "added_by_id",
                "kind",
                "text",
                "created_at",
                "resolved_at",
                "resolved_in_id",
            ],
            agenda,
            "agenda items",
        )
        self.w.write(
            ActionItem,
            [
                "district_id",
                "pair_id",
                "check_in_id",
                "owner_id",
                "text",
                "due_on",
                "done_at",
                "created_at",
            ],
            actions,
            "action items",
        )
        self.w.write(
            Problem,
            ["district_id", "check_in_id", "school_id", "text", "raised_on"],
            problems,
            "problems",
        )
