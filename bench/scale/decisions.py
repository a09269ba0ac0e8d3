"""Decisions with their stakeholders, input, history and integrity flags."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict

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
from districts.models import (
    Role,
)

from .base import (
    BENCH_DECISION_TITLE,
    BENCH_INPUTS,
    YEARS_BACK,
)
from .words import DECISION_TITLES, INPUT_TEXT


class DecisionsPart:
    def decisions(self):
        rng, size = self.rng, self.size
        n = size.decisions
        n_schools = len(self.school_ids)
        statuses = (
            [Status.DRAFT] * 5
            + [Status.OPEN_FOR_INPUT] * 10
            + [Status.DECIDING] * 10
            + [Status.DECIDED] * 20
            + [Status.IMPLEMENTING] * 25
            + [Status.REVIEWING] * 10
            + [Status.CLOSED] * 15
            + [Status.WITHDRAWN] * 5
        )
        visibilities = [Visibility.DISTRICT] * 14 + [Visibility.STAKEHOLDERS] * 3
        visibilities += [Visibility.PUBLIC] * 2 + [Visibility.TEAM]
        processes = [p for p in ProcessType.values if p != ProcessType.DELEGATED]
        day = datetime.timedelta(days=1)
        plans = []
        for i in range(n):
            bench = i == 0 and self.bench_password is not None
            status = Status.OPEN_FOR_INPUT if bench else rng.choice(statuses)
            if bench or rng.random() < 0.25:
                school = None
            elif rng.random() < 0.01:
                school = 0
            else:
                school = rng.randrange(n_schools)
            delegated = status != Status.OPEN_FOR_INPUT and rng.random() < 0.04
            process = ProcessType.DELEGATED if delegated else rng.choice(processes)
            window = not delegated and status != Status.DRAFT
            if window and status in DECIDED_STATUSES and rng.random() < 0.01:
                window = False  # decided without asking anyone: flagged
            if status == Status.DRAFT:
                created = self.now - rng.random() * 60 * day
            elif status == Status.OPEN_FOR_INPUT:
                created = self.now - (1 + rng.random() * 20) * day
            elif status in (Status.DECIDING, Status.DECIDED):
                created = self.now - (30 + rng.random() * 170) * day
            else:
                created = self.now - (30 + rng.random() * (YEARS_BACK - 30)) * day
            plans.append((created, bench, status, school, process, window))
        plans.sort(key=lambda p: p[0])
        ids = self.w.ids(Decision, n)
        self.decision_ids = ids
        per_year: dict[int, int] = defaultdict(int)

        # Inputs go to decisions whose window has opened; the benchmark's one gets exactly 200.
        input_counts = [0] * n
        eligible = [i for i, p in enumerate(plans) if p[5] and not p[1]]
        bench_index = next((i for i, p in enumerate(plans) if p[1]), None)
        remaining = size.inputs
        if bench_index is not None:
            input_counts[bench_index] = BENCH_INPUTS
            remaining -= BENCH_INPUTS
        for _ in range(max(0, remaining)):
            input_counts[rng.choice(eligible)] += 1

        decision_rows, stakeholder_rows, input_rows, event_rows, reflection_rows = (
            [],
            [],
            [],
            [],
            [],
        )
        district_size = len(self.uid)
        for i, (created, bench, status, school, process, has_window) in enumerate(plans):
            did = ids[i]
            per_year[created.year] += 1
            number = f"D-{created.year}-{per_year[created.year]:03d}"
            sid = self.school_ids[school] if school is not None else None
            if school is not None:
                team = self.team_of_school.get(school) or rng.choice(self.district_team_ids)
                creator = self.principal_of[school]
                pool = self.staff_at[school]
            else:
                team = rng.choice(self.district_team_ids)
                creator = rng.choice(self.leaders)
                pool = self.staff
            domain = rng.choice(Domain.values)
            visibility = Visibility.DISTRICT if bench else rng.choice(visibilities)
            title = BENCH_DECISION_TITLE if bench else rng.choice(DECISION_TITLES)
            opens = closes = decide_by = decided_at = decided_by = review_on = None
            outcome = rationale = ""
            if has_window:
                opens = created + day
                if status == Status.OPEN_FOR_INPUT:
                    opens = created + datetime.timedelta(hours=1)
                    closes = self.now + (1 + rng.random() * 20) * day
                else:
                    closes = opens + 14 * day
                decide_by = (closes + 7 * day).date()
            decided = status in DECIDED_STATUSES
            if decided:
                base = closes or created + day
                decided_at = base + (1 + rng.random() * 9) * day
                if closes and rng.random() < 0.03:
                    decided_at = closes - 2 * day
                decided_at = min(decided_at, self.now - datetime.timedelta(hours=1))
                if rng.random() < 0.03:
                    decided_by = rng.choice(pool)  # someone without the right: flagged
                elif school is not None:
                    decided_by = self.principal_of[school]
                else:
                    decided_by = rng.choice(self.leaders + [self.superintendent])
                outcome = "We go ahead, starting next term, and look again after a year."
                rationale = "" if rng.random() < 0.03 else "Most input supported it; costs fit."
                days = 90 if status == Status.REVIEWING else 365
                review_on = decided_at.date() + datetime.timedelta(days=days)
                if status in (Status.REVIEWING, Status.CLOSED):
                    review_on = min(review_on, self.today - day)
            updated = decided_at or opens or created

            # Stakeholders: groups mostly, ≈4 a decision.
            stakes = [(Stakeholder.Kind.TEAM, None, team, None, "", Involvement.DECIDES)]
            if school is not None:
                stakes.append(
                    (Stakeholder.Kind.ROLE, None, None, sid, Role.TEACHER, Involvement.AFFECTED)
                )
                stakes.append(
                    (
                        Stakeholder.Kind.SCHOOL,
                        None,
                        None,
                        sid,
                        "",
                        rng.choice([Involvement.CONSULTED, Involvement.INFORMED]),
                    )
                )
            else:
                stakes.append(
                    (Stakeholder.Kind.DISTRICT, None, None, None, "", Involvement.AFFECTED)
                )
                stakes.append(
                    (
                        Stakeholder.Kind.ROLE,
                        None,
                        None,
                        None,
                        rng.choice([Role.PRINCIPAL, Role.TEACHER]),
                        Involvement.CONSULTED,
                    )
                )
            if rng.random() < 0.5:
                stakes.append(
                    (
                        Stakeholder.Kind.PERSON,
                        rng.choice(pool),
                        None,
                        None,
                        "",
                        Involvement.CONSULTED,
                    )
                )
            if school is not None and rng.random() < 0.3:
                stakes.append(
                    (Stakeholder.Kind.DISTRICT, None, None, None, "", Involvement.INFORMED)
                )
            for kind, person, team_id, school_id, role, involvement in stakes:
                stakeholder_rows.append(
                    (
                        self.district.pk,
                        did,
                        kind.value,
                        self.uid[person] if person is not None else None,
                        team_id,
                        school_id,
                        role,
                        involvement.value,
                    )
                )

            # Inputs: named and anonymous, one anonymous input per person at most.
            named, anonymous = set(), set()
            count = input_counts[i]
            if count:
                authors_pool = pool if len(pool) >= count else self.staff
                chosen = rng.sample(authors_pool, min(count, len(authors_pool)))
                # Most consulted people and roles answer; the rest are flagged as not heard.
                for stake in stakes:
                    if stake[5] != Involvement.CONSULTED or rng.random() < 0.3:
                        continue
                    if stake[0] == Stakeholder.Kind.PERSON:
                        chosen.insert(0, stake[1])
                    elif stake[0] == Stakeholder.Kind.ROLE and stake[3] is None:
                        chosen.insert(0, rng.choice(self.by_role[stake[4]]))
                chosen = list(dict.fromkeys(chosen))
                start = opens.date()
                span = max(0, ((min(closes, self.now)).date() - start).days)
                for j in range(count):
                    author = chosen[j % len(chosen)]
                    hidden = rng.random() < 0.25 and author not in anonymous
                    given = start + datetime.timedelta(days=rng.randint(0, span))
                    if hidden:
                        anonymous.add(author)
                        key = anonymous_key(did, self.uid[author])
                        author_id = None
                    else:
                        named.add(author)
                        key = None
                        author_id = self.uid[author]
                    input_rows.append(
                        (
                            uuid.UUID(int=rng.getrandbits(128), version=4),
                            self.district.pk,
                            did,
                            rng.choice(Input.Kind.values),
                            rng.choice(INPUT_TEXT),
                            author_id,
                            hidden,
                            key,
                            given,
                        )
                    )

            # History: created, the current status, and the outcome told to those it affects.
            author = self.uid[creator]
            event_rows.append(
                (
                    self.district.pk,
                    did,
                    author,
                    DecisionEvent.Kind.CREATED.value,
                    "",
                    "",
                    "",
                    created,
                )
            )
            if status != Status.DRAFT:
                event_rows.append(
                    (
                        self.district.pk,
                        did,
                        author,
                        DecisionEvent.Kind.STATUS.value,
                        "status",
                        Status.DRAFT.label,
                        Status(status).label,
                        decided_at or opens or created,
                    )
                )
            informed = decided and rng.random() < 0.96
            if informed:
                event_rows.append(
                    (
                        self.district.pk,
                        did,
                        self.uid[decided_by],
                        DecisionEvent.Kind.INFORMED.value,
                        "",
                        "",
                        "40",
                        decided_at + datetime.timedelta(minutes=1),
                    )
                )
            reflected = status == Status.CLOSED or (
                status in DECIDED_STATUSES and rng.random() < 0.5 and review_on <= self.today
            )
            if reflected:
                reflection_rows.append(
                    (
                        self.district.pk,
                        did,
                        self.uid[decided_by],
                        "It worked for most classes; two needed more time.",
                        Reflection.Verdict.KEEP.value,
                        min(decided_at + 60 * day, self.now - datetime.timedelta(minutes=5)),
                    )
                )

            # Flags, computed the way decisions.integrity computes them.
            flags = set()
            if decided:
                if closes and decided_at < closes:
                    flags.add("decided_early")
                if opens is None and process != ProcessType.DELEGATED:
                    flags.add("no_input_sought")
                if not self._holds_right(decided_by, school):
                    flags.add("no_right")
                if not rationale:
                    flags.add("no_rationale")
                if not informed and any(
                    s[5] in (Involvement.AFFECTED, Involvement.INFORMED) for s in stakes
                ):
                    flags.add("not_informed")
                if review_on and review_on < self.today and not reflected:
                    flags.add("review_overdue")
            if status not in (Status.DRAFT, Status.OPEN_FOR_INPUT, Status.WITHDRAWN):
                for stake in stakes:
                    if stake[5] != Involvement.CONSULTED:
                        continue
                    members, _size = self._group(stake, district_size)
                    # Named input only: anonymous input counts toward no single group.
                    heard = any(members(k) for k in named)
                    if not heard:
                        flags.add("consulted_not_heard")
                        break
            decision_rows.append(
                (
                    did,
                    self.district.pk,
                    sid,
                    team,
                    number,
                    title,
                    "What needs deciding, and why now: the current arrangement no longer works.",
                    process,
                    domain,
                    status.value if hasattr(status, "value") else status,
                    visibility.value if hasattr(visibility, "value") else visibility,
                    opens,
                    closes,
                    decide_by,
                    "Go ahead\nWait a year\nPilot in one grade",
                    outcome,
                    rationale,
                    review_on,
                    self.uid[decided_by] if decided_by is not None else None,
                    decided_at,
                    author,
                    created,
                    updated,
                    self.w.json(sorted(flags)),
                )
            )
            if bench:
                self.built.bench["decision_id"] = did
            if i % 5000 == 0:
                self.tick("decisions (built)", i, n)
        self.w.write(
            Decision,
            [
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
            ],
            decision_rows,
            "decisions",
        )
        DecisionCounter.objects.bulk_create(
            [
                DecisionCounter(district=self.district, year=year, last=last)
                for year, last in sorted(per_year.items())
            ]
        )
        self.w.write(
            Stakeholder,
            [
                "district_id",
                "decision_id",
                "kind",
                "person_id",
                "team_id",
                "school_id",
                "role",
                "involvement",
            ],
            stakeholder_rows,
            "stakeholders",
        )
        self.w.write(
            Input,
            [
                "id",
                "district_id",
                "decision_id",
                "kind",
                "text",
                "author_id",
                "is_anonymous",
                "anonymous_key",
                "given_on",
            ],
            input_rows,
            "inputs",
        )
        self.w.write(
            DecisionEvent,
            ["district_id", "decision_id", "actor_id", "kind", "field", "old", "new", "created_at"],
            event_rows,
            "decision events",
        )
        self.w.write(
            Reflection,
            ["district_id", "decision_id", "author_id", "what_happened", "verdict", "created_at"],
            reflection_rows,
            "reflections",
        )

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
