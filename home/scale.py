"""A district at the scale of the largest, for measuring: built with bulk inserts, never row by row.

Every app's rows are written as they would be by its services, including what the apps keep
denormalised: decision numbers and their counters, integrity flag codes, sealed anonymous
keys, role groups of conversations and the schools' rounding coverage, `planned_through` and
`overdue_since` of check-in pairs.
On PostgreSQL the big tables go in with COPY; elsewhere with `bulk_create` (slowly).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from decisions.models import (
    DECIDED_STATUSES,
    Authority,
    Decision,
    DecisionCounter,
    DecisionEvent,
    DecisionRight,
    Domain,
    Input,
    Involvement,
    Level,
    ProcessType,
    Reflection,
    Stakeholder,
    Status,
    Visibility,
    anonymous_key,
)
from districts.models import (
    STAFF_ROLES,
    District,
    GuidingPrinciple,
    GuidingPrincipleRevision,
    LeadershipTeam,
    Role,
    School,
    SharedPurpose,
    SharedPurposeRevision,
    TeamMembership,
    Theme,
    User,
)
from principals import cadence
from principals.models import ActionItem, AgendaItem, CheckIn, CheckInPair, Problem, SchoolBreak
from principals.services import HORIZON_WEEKS, OVERDUE_MARGIN
from rounding.models import (
    Celebration,
    Conversation,
    FollowUp,
    FollowUpStatusChange,
    RoundingVisit,
    role_group_of,
)
from rounding.services import coverage_rebuild

DISTRICT_NAME = "Scale Unified School District"
DISTRICT_SLUG = "scale-unified"
SMALL_NAME = "Little Harbor District"
SMALL_SLUG = "scale-little-harbor"
DEFAULT_PASSWORD = "roundtable-scale"
BENCH_DECISION_TITLE = "Benchmark decision with 200 inputs"
BENCH_INPUTS = 200
BENCH_SUPERVISED = 24
YEARS_BACK = 730

EMAILS = {
    "teacher": "bench-teacher@scale.example",
    "superintendent": "bench-superintendent@scale.example",
    "principal": "bench-principal@scale.example",
    "supervisor": "bench-supervisor@scale.example",
}


@dataclass
class Size:
    schools: int = 1800
    people: int = 80_000
    teams: int = 2000
    decisions: int = 50_000
    inputs: int = 300_000
    visits: int = 100_000
    conversations: int = 400_000
    follow_ups: int = 60_000
    pairs: int = 1800

    def scaled(self, factor: float) -> Size:
        def times(value, least):
            return max(least, round(value * factor))

        return Size(
            schools=times(self.schools, 3),
            people=times(self.people, 150),
            teams=times(self.teams, 4),
            decisions=times(self.decisions, 20),
            inputs=times(self.inputs, BENCH_INPUTS + 40),
            visits=times(self.visits, 10),
            conversations=times(self.conversations, 30),
            follow_ups=times(self.follow_ups, 6),
            pairs=times(self.pairs, 3),
        )


SMALL = Size(
    schools=4,
    people=300,
    teams=6,
    decisions=100,
    inputs=500,
    visits=100,
    conversations=400,
    follow_ups=60,
    pairs=4,
)


# ----- writing rows


class Writer:
    """Inserts tuples of field values: COPY on PostgreSQL, `bulk_create` elsewhere."""

    BATCH = 5000

    def __init__(self, progress=None):
        self.pg = connection.vendor == "postgresql"
        self.progress = progress or (lambda label, done, total: None)
        self.explicit_ids: set[type] = set()
        self.now = timezone.now()

    def ids(self, model, count: int) -> list[int]:
        start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.explicit_ids.add(model)
        return list(range(start, start + count))

    def json(self, value):
        return json.dumps(value) if self.pg else value

    def write(self, model, fields: list[str], rows: list[tuple], label: str = "") -> None:
        label = label or model._meta.model_name
        total = len(rows)
        if self.pg:
            self._copy(model, fields, rows, label)
        else:
            self._bulk(model, fields, rows, label)
        self.progress(label, total, total)

    def _copy(self, model, fields, rows, label):
        meta = model._meta
        given = set(fields)
        # Columns the caller left out get the field's default, as `save()` would give them.
        extra_fields, extra_values = [], []
        for f in meta.concrete_fields:
            if f.attname in given or f.name in given or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = self.now
            else:
                value = f.get_default()
            if isinstance(value, list | dict):
                value = json.dumps(value)
            extra_fields.append(f.attname)
            extra_values.append(value)
        columns = [meta.get_field(name).column for name in fields] + [
            meta.get_field(name).column for name in extra_fields
        ]
        tail = tuple(extra_values)
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({quoted}) FROM STDIN"
        raw = connection.connection
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for done, row in enumerate(rows, 1):
                copy.write_row(row + tail if tail else row)
                if done % 20000 == 0 and done < len(rows):
                    self.progress(label, done, len(rows))

    def _bulk(self, model, fields, rows, label):
        with _no_auto_now(model):
            for start in range(0, len(rows), self.BATCH):
                chunk = rows[start : start + self.BATCH]
                model.objects.bulk_create(
                    [model(**dict(zip(fields, row, strict=True))) for row in chunk],
                    batch_size=500,
                )
                self.progress(label, start + len(chunk), len(rows))

    def finish(self) -> None:
        """Move each sequence past the ids given by hand."""
        if not self.pg:
            return
        with connection.cursor() as cursor:
            for model in self.explicit_ids:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table)}))",
                    [table],
                )


@contextlib.contextmanager
def _no_auto_now(model):
    """Let `bulk_create` keep the given created/updated times instead of stamping now."""
    changed = []
    for f in model._meta.concrete_fields:
        for flag in ("auto_now", "auto_now_add"):
            if getattr(f, flag, False):
                setattr(f, flag, False)
                changed.append((f, flag))
    try:
        yield
    finally:
        for f, flag in changed:
            setattr(f, flag, True)


# ----- words

FIRST = [
    "Ada",
    "Ben",
    "Cleo",
    "Dev",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivo",
    "Jia",
    "Kai",
    "Lena",
    "Milo",
    "Nia",
    "Omar",
    "Pia",
    "Quin",
    "Rosa",
    "Sami",
    "Tova",
    "Uma",
    "Vic",
    "Wren",
    "Xavi",
    "Yara",
    "Zeb",
]
LAST = [
    "Abara",
    "Brooks",
    "Castillo",
    "Dumont",
    "Eriksen",
    "Fujita",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Laine",
    "Moreau",
    "Nguyen",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rossi",
    "Silva",
    "Tanaka",
    "Umar",
    "Varga",
    "Weber",
    "Xu",
    "Young",
    "Zamora",
]
LEVELS = ["elementary"] * 6 + ["middle"] * 2 + ["high", "k8"]
PLACES = [
    "Alder",
    "Birch",
    "Cedar",
    "Dune",
    "Elm",
    "Fern",
    "Grove",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Laurel",
    "Maple",
    "North",
    "Oak",
    "Pine",
    "Quarry",
    "River",
    "Spruce",
    "Tern",
    "Upland",
    "Valley",
    "Willow",
    "Yew",
]
STAFF_TITLES = ["cook", "custodian", "counselor", "office manager", "nurse", "paraprofessional"]
THEMES = [
    "Workload",
    "Staffing",
    "Facilities",
    "Communication",
    "Student behaviour",
    "Schedule",
    "Recognition",
    "Safety",
]
WORKING = [
    "The new morning greeting sets a calm tone.",
    "Grade teams plan together every week now.",
    "The kitchen gets deliveries on time.",
]
CONCERNS = [
    "Copies take too long; the machine is down often.",
    "Substitutes are hard to find on Fridays.",
    "Hallways are crowded at the bell.",
    "Too many emails with changes at short notice.",
]
IDEAS = ["A shared calendar for the building.", "Ten quiet minutes at lunch.", ""]
FOLLOW_UP_WHAT = [
    "Repair or replace the copier on the second floor",
    "Set up a substitute pool with nearby schools",
    "Stagger the bell by grade",
    "Send changes in one weekly note",
]
DECISION_TITLES = [
    "Start the school day ten minutes later",
    "Adopt a new reading curriculum",
    "Move parent conferences to the evening",
    "Fund a second counselor",
    "Change the substitute booking process",
    "Open the library at lunch",
    "Replace the bus schedule",
    "Set the professional learning days",
]
INPUT_TEXT = [
    "This would help our students most in the mornings.",
    "What happens to the after-school programme?",
    "I worry about the cost in the second year.",
    "Could we pilot it in one grade first?",
    "Fully in favour; we tried this before and it worked.",
]
AGENDA = [
    ("celebration", "Attendance at family night doubled."),
    ("problem", "Friday substitutes are scarce."),
    ("high_performers", "Two strong teachers asked about coaching roles."),
    ("question", "How other schools schedule intervention blocks."),
]
TIMES = [datetime.time(9, 0), datetime.time(10, 30), datetime.time(13, 0), datetime.time(15, 30)]


@dataclass
class Built:
    district: District
    school_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    bench: dict = field(default_factory=dict)


# ----- the district


def existing(names=(DISTRICT_SLUG, SMALL_SLUG)) -> list[str]:
    return list(District.objects.filter(slug__in=names).values_list("name", flat=True))


def seed(
    size: Size,
    *,
    seed: int = 1,
    password: str = DEFAULT_PASSWORD,
    progress=None,
    small: Size | None = SMALL,
) -> dict:
    """Build the scale district and the small one next to it; return what the benchmark needs."""
    writer = Writer(progress)
    with transaction.atomic():
        big = Builder(
            writer, size, rng=random.Random(seed), name=DISTRICT_NAME, slug=DISTRICT_SLUG
        ).build(bench_password=password)
        if small is not None:
            Builder(
                writer,
                small,
                rng=random.Random(seed + 1),
                name=SMALL_NAME,
                slug=SMALL_SLUG,
                zone="America/New_York",
            ).build(bench_password=None)
        writer.finish()
    return big.bench


class Builder:
    def __init__(self, writer: Writer, size: Size, *, rng, name, slug, zone="America/Chicago"):
        self.w = writer
        self.size = size
        self.rng = rng
        self.name = name
        self.slug = slug
        self.zone = zone
        self.now = writer.now
        self.today = timezone.localdate(self.now)

    def tick(self, label, done, total):
        self.w.progress(f"{label}", done, total)

    def build(self, *, bench_password: str | None) -> Built:
        self.district = District.objects.create(name=self.name, slug=self.slug, timezone=self.zone)
        self.built = Built(self.district)
        self.bench_password = bench_password
        self.schools()
        self.people()
        self.teams()
        self.documents()
        self.decisions()
        self.rounding()
        self.check_ins()
        if bench_password:
            self.built.bench.update(
                district_id=self.district.pk,
                school_id=self.school_ids[0],
                emails=dict(EMAILS),
            )
        return self.built

    # --- schools and people

    def schools(self):
        n = self.size.schools
        self.school_ids = self.w.ids(School, n)
        self.school_index = {sid: i for i, sid in enumerate(self.school_ids)}
        rows = [
            (
                sid,
                self.district.pk,
                f"{PLACES[i % len(PLACES)]} {LEVELS[i % len(LEVELS)].title()} {i + 1:04d}",
                LEVELS[i % len(LEVELS)],
            )
            for i, sid in enumerate(self.school_ids)
        ]
        self.w.write(School, ["id", "district_id", "name", "level"], rows, "schools")

    def people(self):
        size, rng = self.size, self.rng
        n_schools = len(self.school_ids)
        leaders = max(2, round(size.people * 40 / 80_000))
        teacher_leaders = max(n_schools, round(size.people * 0.025))
        teachers = max(2 * n_schools, round(size.people * 0.5625))
        staff = max(n_schools, round(size.people * 0.15))
        rest = max(0, size.people - 1 - leaders - n_schools - teacher_leaders - teachers - staff)
        plan = [(Role.SUPERINTENDENT, 1), (Role.DISTRICT_LEADER, leaders)]
        plan += [(Role.PRINCIPAL, n_schools), (Role.TEACHER_LEADER, teacher_leaders)]
        plan += [(Role.TEACHER, teachers), (Role.STAFF, staff)]
        plan += [(Role.STUDENT, rest * 6 // 10), (Role.FAMILY, rest * 3 // 10)]
        plan += [(Role.COMMUNITY, rest - rest * 6 // 10 - rest * 3 // 10)]
        roles, titles, school_of = [], [], []
        for role, count in plan:
            for j in range(count):
                roles.append(role.value)
                if role in (Role.SUPERINTENDENT, Role.DISTRICT_LEADER):
                    school_of.append(-1)
                elif role == Role.PRINCIPAL:
                    school_of.append(j)
                else:
                    # Spread over every school; the first of each kind sits at school 1.
                    school_of.append(j % n_schools if j < n_schools else rng.randrange(n_schools))
                if role == Role.STAFF:
                    titles.append(STAFF_TITLES[j % len(STAFF_TITLES)])
                elif role == Role.TEACHER and j % 10 == 9:
                    titles.append("new teacher")
                elif role == Role.DISTRICT_LEADER and j == 0:
                    titles.append("assistant superintendent")
                else:
                    titles.append("")
        n = len(roles)
        ids = self.w.ids(User, n)
        self.uid, self.role, self.title, self.school_of = ids, roles, titles, school_of
        index = {role: [k for k in range(n) if roles[k] == role] for role in Role.values}
        self.by_role = index
        self.leaders = index[Role.DISTRICT_LEADER]
        self.superintendent = index[Role.SUPERINTENDENT][0]
        self.principal_of = {school_of[k]: k for k in index[Role.PRINCIPAL]}
        self.at_school = defaultdict(list)
        self.staff_at = defaultdict(list)
        for k in range(n):
            if school_of[k] >= 0:
                self.at_school[school_of[k]].append(k)
                if roles[k] in STAFF_ROLES:
                    self.staff_at[school_of[k]].append(k)
        self.staff = [k for k in range(n) if roles[k] in STAFF_ROLES]
        self.role_school_size = defaultdict(int)
        self.role_size = defaultdict(int)
        for k in range(n):
            self.role_size[roles[k]] += 1
            if school_of[k] >= 0:
                self.role_school_size[(roles[k], school_of[k])] += 1

        bench = {}
        if self.bench_password:
            bench = {
                self.superintendent: EMAILS["superintendent"],
                self.leaders[0]: EMAILS["supervisor"],
                self.principal_of[0]: EMAILS["principal"],
                index[Role.TEACHER][0]: EMAILS["teacher"],
            }
            self.bench_teacher = index[Role.TEACHER][0]
            hashed = make_password(self.bench_password)
        joined = self.now - datetime.timedelta(days=YEARS_BACK + 30)
        rows = []
        for k in range(n):
            name = f"{FIRST[rng.randrange(len(FIRST))]} {LAST[rng.randrange(len(LAST))]}"
            if k in bench:
                email, password = bench[k], hashed
            else:
                email = f"{roles[k].replace('_', '-')}{k}@{self.slug}.example"
                email = email if roles[k] in STAFF_ROLES else None
                password = "!seeded"
            rows.append(
                (ids[k], self.district.pk, email, name, roles[k], titles[k], password, joined)
            )
        self.w.write(
            User,
            ["id", "district_id", "email", "name", "role", "title", "password", "date_joined"],
            rows,
            "people",
        )
        through = User.schools.through
        links = [(ids[k], self.school_ids[s]) for k, s in enumerate(school_of) if s >= 0]
        self.w.write(through, ["user_id", "school_id"], links, "schools of people")

    # --- teams

    def teams(self):
        rng, n_schools = self.rng, len(self.school_ids)
        n = self.size.teams
        district_teams = max(1, n // 10)
        ids = self.w.ids(LeadershipTeam, n)
        self.team_ids = ids
        self.team_of_school: dict[int, int] = {}
        self.district_team_ids: list[int] = []
        self.team_members: dict[int, list[int]] = {}
        rows, memberships = [], []
        joined = self.today - datetime.timedelta(days=YEARS_BACK)
        for t, tid in enumerate(ids):
            if t < n - district_teams:
                s = t % n_schools
                name = f"{'Leadership' if t < n_schools else 'Grade'} team {t + 1:04d}"
                rows.append((tid, self.district.pk, self.school_ids[s], name))
                self.team_of_school.setdefault(s, tid)
                people = [k for k in self.staff_at[s] if self.role[k] != Role.STAFF]
                principal = self.principal_of[s]
                others = [k for k in people if k != principal]
                want = rng.randint(3, 6) - 1
                members = [principal] + rng.sample(others, min(want, len(others)))
                if s == 0 and self.bench_password and self.bench_teacher not in members:
                    members.append(self.bench_teacher)
            else:
                rows.append((tid, self.district.pk, None, f"District team {t + 1:04d}"))
                self.district_team_ids.append(tid)
                pool = self.leaders + [self.superintendent] + self.by_role[Role.PRINCIPAL][:200]
                members = rng.sample(pool, min(rng.randint(3, 6), len(pool)))
            self.team_members[tid] = members
            for j, k in enumerate(members):
                role = (
                    TeamMembership.TeamRole.LEAD
                    if j == 0
                    else TeamMembership.TeamRole.INTEGRITY_STEWARD
                    if j == 1
                    else TeamMembership.TeamRole.MEMBER
                )
                memberships.append((tid, self.uid[k], role.value, joined))
        self.w.write(LeadershipTeam, ["id", "district_id", "school_id", "name"], rows, "teams")
        self.w.write(
            TeamMembership,
            ["team_id", "user_id", "team_role", "joined_on"],
            memberships,
            "memberships",
        )

    def documents(self):
        """Purpose, principles, themes and the decision-rights map: a handful of rows."""
        leader = User(pk=self.uid[self.superintendent])
        purpose = SharedPurpose.objects.create(district=self.district)
        SharedPurposeRevision.objects.create(
            purpose=purpose,
            text="Every student known by name, every voice heard before we decide.",
            recorded_by=leader,
        )
        for position, title in enumerate(["Students first", "Ask those affected", "Say why"]):
            principle = GuidingPrinciple.objects.create(
                district=self.district, title=title, position=position
            )
            GuidingPrincipleRevision.objects.create(
                principle=principle, text=f"{title}, in every decision.", recorded_by=leader
            )
        self.themes = Theme.objects.bulk_create(
            [Theme(district=self.district, name=name) for name in THEMES]
        )
        self.theme_ids = [t.pk for t in Theme.objects.filter(district=self.district)]
        rights = []
        for domain in Domain.values:
            rights.append((domain, Level.SCHOOL, Role.PRINCIPAL))
            rights.append((domain, Level.DISTRICT, Role.SUPERINTENDENT))
            rights.append((domain, Level.DISTRICT, Role.DISTRICT_LEADER))
        DecisionRight.objects.bulk_create(
            [
                DecisionRight(
                    district=self.district,
                    domain=domain,
                    level=level,
                    role=role,
                    authority=Authority.DECIDES,
                )
                for domain, level, role in rights
            ]
        )
        breaks = []
        for year in range(self.today.year - 3, self.today.year + 2):
            breaks.append(
                ("Winter break", datetime.date(year, 12, 22), datetime.date(year + 1, 1, 2))
            )
            breaks.append(("Summer", datetime.date(year, 6, 15), datetime.date(year, 8, 15)))
        SchoolBreak.objects.bulk_create(
            [
                SchoolBreak(district=self.district, name=name, starts_on=start, ends_on=end)
                for name, start, end in breaks
            ]
        )
        self.breaks = [(start, end) for _, start, end in breaks]

    # --- decisions

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

    # --- rounding

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

    # --- check-ins

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


def analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
