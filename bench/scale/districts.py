"""Schools, people, teams and the district documents of a scale district."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.auth.hashers import make_password

from decisions.models import (
    Authority,
    DecisionRight,
    Domain,
    Level,
)
from districts.models import (
    STAFF_ROLES,
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
from principals.models import SchoolBreak

from .base import (
    EMAILS,
    YEARS_BACK,
)
from .words import FIRST, LAST, LEVELS, PLACES, STAFF_TITLES, THEMES


class DistrictsPart:
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
        index = self._index_people(n, roles, school_of)

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

    def _index_people(self, n, roles, school_of) -> dict:
        """Who is who by role and by school, for the parts that follow; returns the role index."""
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
        return index

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
