"""Decisions with their stakeholders, input, history and integrity flags."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from decisions.choices import GENERAL_KINDS
from decisions.integrity import decided_flag_codes, window_over
from decisions.models import (
    DECIDED_STATUSES,
    Decision,
    DecisionCounter,
    DecisionEvent,
    Domain,
    Input,
    Involvement,
    ProcessType,
    Reflection,
    Stakeholder,
    Status,
    Visibility,
    anonymous_key,
)
from decisions.processes import Facts, process_flag_codes
from districts.models import Role

from .base import BENCH_DECISION_TITLE, BENCH_INPUTS, YEARS_BACK
from .words import DECISION_TITLES, INPUT_TEXT

DAY = datetime.timedelta(days=1)
STATUSES = (
    [Status.DRAFT] * 5
    + [Status.OPEN_FOR_INPUT] * 10
    + [Status.DECIDING] * 10
    + [Status.DECIDED] * 20
    + [Status.IMPLEMENTING] * 25
    + [Status.REVIEWING] * 10
    + [Status.CLOSED] * 15
    + [Status.WITHDRAWN] * 5
)
VISIBILITIES = (
    [Visibility.DISTRICT] * 14
    + [Visibility.STAKEHOLDERS] * 3
    + [Visibility.PUBLIC] * 2
    + [Visibility.TEAM]
)
DECISION_FIELDS = [
    "id",
    "district_id",
    "school_id",
    "owning_team_id",
    "number",
    "title",
    "context",
    "process_type",
    "domain",
    "status",
    "visibility",
    "input_opens",
    "input_closes",
    "decide_by",
    "options",
    "outcome",
    "rationale",
    "review_on",
    "decided_by_id",
    "decided_at",
    "created_by_id",
    "created_at",
    "updated_at",
    "flag_codes",
    "decider_id",
    "decider_bounds",
    "heard",
]
STAKEHOLDER_FIELDS = [
    "district_id",
    "decision_id",
    "kind",
    "person_id",
    "team_id",
    "school_id",
    "role",
    "involvement",
]
INPUT_FIELDS = [
    "id",
    "district_id",
    "decision_id",
    "kind",
    "text",
    "author_id",
    "is_anonymous",
    "anonymous_key",
    "given_on",
]
EVENT_FIELDS = [
    "district_id",
    "decision_id",
    "actor_id",
    "kind",
    "field",
    "old",
    "new",
    "created_at",
]
REFLECTION_FIELDS = [
    "district_id",
    "decision_id",
    "author_id",
    "what_happened",
    "verdict",
    "created_at",
]


@dataclass(frozen=True)
class Plan:
    """What is drawn first for every decision, so that they can be numbered in creation order."""

    created: datetime.datetime
    bench: bool
    status: str
    school: int | None
    process: str
    has_window: bool


@dataclass
class Rows:
    decisions: list = field(default_factory=list)
    stakeholders: list = field(default_factory=list)
    inputs: list = field(default_factory=list)
    events: list = field(default_factory=list)
    reflections: list = field(default_factory=list)
    per_year: dict = field(default_factory=lambda: defaultdict(int))


class DecisionsPart:
    def decisions(self):
        n = self.size.decisions
        plans = sorted((self._plan(i) for i in range(n)), key=lambda p: p.created)
        ids = self.w.ids(Decision, n)
        self.decision_ids = ids
        input_counts = self._input_counts(plans)
        rows = Rows()
        for i, plan in enumerate(plans):
            self._decision(ids[i], plan, input_counts[i], rows)
            if plan.bench:
                self.built.bench["decision_id"] = ids[i]
            if i % 5000 == 0:
                self.tick("decisions (built)", i, n)
        self._write_decisions(rows)

    def _plan(self, i) -> Plan:
        rng = self.rng
        bench = i == 0 and self.bench_password is not None
        status = Status.OPEN_FOR_INPUT if bench else rng.choice(STATUSES)
        if bench or rng.random() < 0.25:
            school = None
        elif rng.random() < 0.01:
            school = 0
        else:
            school = rng.randrange(len(self.school_ids))
        delegated = status != Status.OPEN_FOR_INPUT and rng.random() < 0.04
        processes = [p for p in ProcessType.values if p != ProcessType.DELEGATED]
        process = ProcessType.DELEGATED if delegated else rng.choice(processes)
        if process == ProcessType.VOTE and status in DECIDED_STATUSES:
            process = ProcessType.CONSENT  # a decided vote would need its ballots built too
        window = not delegated and status != Status.DRAFT
        if window and status in DECIDED_STATUSES and rng.random() < 0.01:
            window = False  # decided without asking anyone: flagged
        if status == Status.DRAFT:
            created = self.now - rng.random() * 60 * DAY
        elif status == Status.OPEN_FOR_INPUT:
            created = self.now - (1 + rng.random() * 20) * DAY
        elif status in (Status.DECIDING, Status.DECIDED):
            created = self.now - (30 + rng.random() * 170) * DAY
        else:
            created = self.now - (30 + rng.random() * (YEARS_BACK - 30)) * DAY
        return Plan(created, bench, status, school, process, window)

    def _input_counts(self, plans: list[Plan]) -> list[int]:
        """Inputs go to decisions whose window has opened; the benchmark's one gets exactly 200."""
        input_counts = [0] * len(plans)
        eligible = [i for i, p in enumerate(plans) if p.has_window and not p.bench]
        bench_index = next((i for i, p in enumerate(plans) if p.bench), None)
        remaining = self.size.inputs
        if bench_index is not None:
            input_counts[bench_index] = BENCH_INPUTS
            remaining -= BENCH_INPUTS
        for _ in range(max(0, remaining)):
            input_counts[self.rng.choice(eligible)] += 1
        return input_counts

    def _decision(self, did: int, plan: Plan, input_count: int, rows: Rows) -> None:
        created = plan.created
        rows.per_year[created.year] += 1
        d = self._record(plan)
        d.id = did
        d.number = f"D-{created.year}-{rows.per_year[created.year]:03d}"
        d.input_count = input_count
        # What the process asks for, as the app would have required it before deciding.
        d.decider, d.bounds, d.heard = None, "", ""
        if plan.process in (ProcessType.ADVICE, ProcessType.DELEGATED):
            d.decider = d.decided_by or d.creator
        if plan.process == ProcessType.DELEGATED:
            d.bounds = "Within this year's budget and the staffing plan."
        if plan.process == ProcessType.CONSULTATIVE and d.decided:
            d.heard = "Most input asked for a pilot first and a look at costs."
        d.stakes = self._stakes(d)
        for kind, person, team_id, school_id, role, involvement in d.stakes:
            person_id = self.uid[person] if person is not None else None
            row = (kind.value, person_id, team_id, school_id, role, involvement.value)
            rows.stakeholders.append((self.district.pk, did, *row))
        named = self._inputs(d, input_count, rows)
        self._history(d, rows)
        flags = self._flags(d, named)
        rows.decisions.append(
            (
                did,
                self.district.pk,
                d.sid,
                d.team,
                d.number,
                d.title,
                "What needs deciding, and why now: the current arrangement no longer works.",
                plan.process,
                d.domain,
                plan.status.value if hasattr(plan.status, "value") else plan.status,
                d.visibility.value if hasattr(d.visibility, "value") else d.visibility,
                d.opens,
                d.closes,
                d.decide_by,
                "Go ahead\nWait a year\nPilot in one grade",
                d.outcome,
                d.rationale,
                d.review_on,
                self.uid[d.decided_by] if d.decided_by is not None else None,
                d.decided_at,
                self.uid[d.creator],
                created,
                d.decided_at or d.opens or created,
                self.w.json(sorted(flags)),
                self.uid[d.decider] if d.decider is not None else None,
                d.bounds,
                d.heard,
            )
        )

    def _record(self, plan: Plan) -> SimpleNamespace:
        """Who owns and writes the decision, its window, and its outcome when decided."""
        rng, school, status = self.rng, plan.school, plan.status
        d = SimpleNamespace(plan=plan, school=school, status=status)
        d.sid = self.school_ids[school] if school is not None else None
        if school is not None:
            d.team = self.team_of_school.get(school) or rng.choice(self.district_team_ids)
            d.creator = self.principal_of[school]
            d.pool = self.staff_at[school]
        else:
            d.team = rng.choice(self.district_team_ids)
            d.creator = rng.choice(self.leaders)
            d.pool = self.staff
        d.domain = rng.choice(Domain.values)
        d.visibility = Visibility.DISTRICT if plan.bench else rng.choice(VISIBILITIES)
        d.title = BENCH_DECISION_TITLE if plan.bench else rng.choice(DECISION_TITLES)
        d.opens = d.closes = d.decide_by = d.decided_at = d.decided_by = d.review_on = None
        d.outcome = d.rationale = ""
        if plan.has_window:
            d.opens = plan.created + DAY
            if status == Status.OPEN_FOR_INPUT:
                d.opens = plan.created + datetime.timedelta(hours=1)
                d.closes = self.now + (1 + rng.random() * 20) * DAY
            else:
                d.closes = d.opens + 14 * DAY
            d.decide_by = (d.closes + 7 * DAY).date()
        d.decided = status in DECIDED_STATUSES
        if d.decided:
            self._outcome(d)
        return d

    def _outcome(self, d) -> None:
        rng = self.rng
        base = d.closes or d.plan.created + DAY
        d.decided_at = base + (1 + rng.random() * 9) * DAY
        if d.closes and rng.random() < 0.03:
            d.decided_at = d.closes - 2 * DAY
        d.decided_at = min(d.decided_at, self.now - datetime.timedelta(hours=1))
        if rng.random() < 0.03:
            d.decided_by = rng.choice(d.pool)  # someone without the right: flagged
        elif d.school is not None:
            d.decided_by = self.principal_of[d.school]
        else:
            d.decided_by = rng.choice(self.leaders + [self.superintendent])
        d.outcome = "We go ahead, starting next term, and look again after a year."
        d.rationale = "" if rng.random() < 0.03 else "Most input supported it; costs fit."
        days = 90 if d.status == Status.REVIEWING else 365
        d.review_on = d.decided_at.date() + datetime.timedelta(days=days)
        if d.status in (Status.REVIEWING, Status.CLOSED):
            d.review_on = min(d.review_on, self.today - DAY)

    def _stakes(self, d) -> list[tuple]:
        """Groups mostly: (kind, person, team, school id, role, involvement)."""
        rng, kind = self.rng, Stakeholder.Kind
        stakes = [(kind.TEAM, None, d.team, None, "", Involvement.DECIDES)]
        if d.school is not None:
            stakes.append((kind.ROLE, None, None, d.sid, Role.TEACHER, Involvement.AFFECTED))
            involvement = rng.choice([Involvement.CONSULTED, Involvement.INFORMED])
            stakes.append((kind.SCHOOL, None, None, d.sid, "", involvement))
        else:
            stakes.append((kind.DISTRICT, None, None, None, "", Involvement.AFFECTED))
            role = rng.choice([Role.PRINCIPAL, Role.TEACHER])
            stakes.append((kind.ROLE, None, None, None, role, Involvement.CONSULTED))
        if rng.random() < 0.5:
            person = rng.choice(d.pool)
            stakes.append((kind.PERSON, person, None, None, "", Involvement.CONSULTED))
        if d.school is not None and rng.random() < 0.3:
            stakes.append((kind.DISTRICT, None, None, None, "", Involvement.INFORMED))
        return stakes

    def _inputs(self, d, count: int, rows: Rows) -> set:
        """Named and anonymous input, one anonymous input per person at most; returns the named."""
        rng = self.rng
        named, anonymous = set(), set()
        if not count:
            return named
        chosen = self._input_authors(d, count)
        start = d.opens.date()
        span = max(0, ((min(d.closes, self.now)).date() - start).days)
        for j in range(count):
            author = chosen[j % len(chosen)]
            hidden = rng.random() < 0.25 and author not in anonymous
            given = start + datetime.timedelta(days=rng.randint(0, span))
            if hidden:
                anonymous.add(author)
                key = anonymous_key(d.id, self.uid[author])
                author_id = None
            else:
                named.add(author)
                key = None
                author_id = self.uid[author]
            rows.inputs.append(
                (
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    self.district.pk,
                    d.id,
                    rng.choice(GENERAL_KINDS).value,
                    rng.choice(INPUT_TEXT),
                    author_id,
                    hidden,
                    key,
                    given,
                )
            )
        return named

    def _input_authors(self, d, count: int) -> list:
        rng = self.rng
        authors_pool = d.pool if len(d.pool) >= count else self.staff
        chosen = rng.sample(authors_pool, min(count, len(authors_pool)))
        # Most consulted people and roles answer; the rest are flagged as not heard.
        for stake in d.stakes:
            if stake[5] != Involvement.CONSULTED or rng.random() < 0.3:
                continue
            if stake[0] == Stakeholder.Kind.PERSON:
                chosen.insert(0, stake[1])
            elif stake[0] == Stakeholder.Kind.ROLE and stake[3] is None:
                chosen.insert(0, rng.choice(self.by_role[stake[4]]))
        return list(dict.fromkeys(chosen))

    def _history(self, d, rows: Rows) -> None:
        """Created, the current status, and the outcome told to those it affects."""
        rng, status, district_id = self.rng, d.status, self.district.pk
        author = self.uid[d.creator]
        created = d.plan.created
        rows.events.append(
            (district_id, d.id, author, DecisionEvent.Kind.CREATED.value, "", "", "", created)
        )
        if status != Status.DRAFT:
            rows.events.append(
                (
                    district_id,
                    d.id,
                    author,
                    DecisionEvent.Kind.STATUS.value,
                    "status",
                    str(Status.DRAFT.label),
                    str(Status(status).label),
                    d.decided_at or d.opens or created,
                )
            )
        d.informed = d.decided and rng.random() < 0.96
        if d.informed:
            informed_at = d.decided_at + datetime.timedelta(minutes=1)
            kind = DecisionEvent.Kind.INFORMED.value
            decider = self.uid[d.decided_by]
            rows.events.append((district_id, d.id, decider, kind, "", "", "40", informed_at))
        d.reflected = status == Status.CLOSED or (
            status in DECIDED_STATUSES and rng.random() < 0.5 and d.review_on <= self.today
        )
        if d.reflected:
            rows.reflections.append(
                (
                    district_id,
                    d.id,
                    self.uid[d.decided_by],
                    "It worked for most classes; two needed more time.",
                    Reflection.Verdict.KEEP.value,
                    min(d.decided_at + 60 * DAY, self.now - datetime.timedelta(minutes=5)),
                )
            )

    def _flags(self, d, named: set) -> set[str]:
        """The integrity flags, by decisions.integrity's rule, from what was built."""
        flags = set()
        if d.decided:
            record = SimpleNamespace(
                decided_at=d.decided_at,
                input_opens=d.opens,
                input_closes=d.closes,
                process_type=d.plan.process,
                holds_right=self._holds_right(d.decided_by, d.school),
                rationale=d.rationale,
                to_inform=[
                    s for s in d.stakes if s[5] in (Involvement.AFFECTED, Involvement.INFORMED)
                ],
                informed=d.informed,
                review_on=d.review_on,
                reflected=d.reflected,
            )
            flags.update(decided_flag_codes(record, self.today))
            process = SimpleNamespace(
                process_type=d.plan.process,
                decider_id=self.uid[d.decider] if d.decider is not None else None,
                decided_by_id=self.uid[d.decided_by] if d.decided_by is not None else None,
                heard=d.heard,
                status=d.status,
                input_closes=None,
                quorum=None,
                secret_ballot=True,
                went_around=[],
            )
            # No input is answered in the built district: all of it is unanswered.
            flags.update(process_flag_codes(process, Facts(unanswered=d.input_count)))
        if window_over(d.status):
            district_size = len(self.uid)
            for stake in d.stakes:
                if stake[5] != Involvement.CONSULTED:
                    continue
                members, _size = self._group(stake, district_size)
                # Named input only: anonymous input counts toward no single group.
                if not any(members(k) for k in named):
                    flags.add("consulted_not_heard")
                    break
        return flags

    def _write_decisions(self, rows: Rows) -> None:
        self.w.write(Decision, DECISION_FIELDS, rows.decisions, "decisions")
        DecisionCounter.objects.bulk_create(
            [
                DecisionCounter(district=self.district, year=year, last=last)
                for year, last in sorted(rows.per_year.items())
            ]
        )
        self.w.write(Stakeholder, STAKEHOLDER_FIELDS, rows.stakeholders, "stakeholders")
        self.w.write(Input, INPUT_FIELDS, rows.inputs, "inputs")
        self.w.write(DecisionEvent, EVENT_FIELDS, rows.events, "decision events")
        self.w.write(Reflection, REFLECTION_FIELDS, rows.reflections, "reflections")

    def _holds_right(self, k, school) -> bool:
        """The rights map above: principals decide at their school, district leaders district-wide."""
        if k is None:
            return False
        if school is None:
            return self.role[k] in (Role.SUPERINTENDENT, Role.DISTRICT_LEADER)
        return self.role[k] == Role.PRINCIPAL and self.school_of[k] == school

    def _group(self, stake, district_size):
        """Who a stakeholder stands for, as a test on a person, and how many they are."""
        kind, person, team, school_id, role, _ = stake
        school = self.school_index[school_id] if school_id is not None else None
        match kind:
            case Stakeholder.Kind.PERSON:
                return (lambda k: k == person), 1
            case Stakeholder.Kind.TEAM:
                members = set(self.team_members[team])
                return members.__contains__, len(members)
            case Stakeholder.Kind.SCHOOL:
                return (lambda k: self.school_of[k] == school), len(self.at_school[school])
            case Stakeholder.Kind.ROLE if school is not None:
                return (
                    lambda k: self.role[k] == role and self.school_of[k] == school
                ), self.role_school_size[(role, school)]
            case Stakeholder.Kind.ROLE:
                return (lambda k: self.role[k] == role), self.role_size[role]
            case _:
                return (lambda k: True), district_size
