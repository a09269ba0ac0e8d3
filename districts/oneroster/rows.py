"""Checking the rows of orgs.csv, users.csv and roles.csv and turning them into people.

Pure: nothing here reads or writes the database.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ..models import Role, School
from .reading import ORGS, ROLES, USERS, Table
from .summary import ImportReport, Progress, tick

# Orgs


LEVEL_PATTERNS = (
    (School.Level.K8, re.compile(r"\bk\s*[-–]\s*8\b|\bk8\b", re.IGNORECASE)),
    (School.Level.MIDDLE, re.compile(r"\b(middle|junior high)\b", re.IGNORECASE)),
    (School.Level.HIGH, re.compile(r"\bhigh\b", re.IGNORECASE)),
    (School.Level.ELEMENTARY, re.compile(r"\b(elementary|elem|primary)\b", re.IGNORECASE)),
)


def guess_level(name: str) -> str:
    for level, pattern in LEVEL_PATTERNS:
        if pattern.search(name):
            return level
    return School.Level.OTHER


@dataclass(frozen=True)
class Org:
    line: int
    sourced_id: str
    name: str
    district_id: str  # the sourcedId of its district; its own for a district


@dataclass
class Orgs:
    districts: dict[str, Org] = field(default_factory=dict)
    schools: dict[str, Org] = field(default_factory=dict)
    unusable: dict[str, str] = field(default_factory=dict)  # sourcedId -> why roles can't use it

    def problem(self, sourced_id: str) -> str | None:
        if not sourced_id:
            return "missing org sourcedId"
        if sourced_id in self.districts or sourced_id in self.schools:
            return None
        return self.unusable.get(sourced_id, f"unknown org '{sourced_id}'")

    def district_of(self, sourced_id: str) -> str:
        org = self.districts.get(sourced_id) or self.schools[sourced_id]
        return org.district_id


def read_orgs(table: Table, report: ImportReport, progress: Progress) -> Orgs:
    orgs = Orgs()
    first_seen: dict[str, int] = {}
    school_rows: list[tuple[int, dict[str, str]]] = []
    count = 0

    def bad(kind: str, line: int, reason: str, sourced_id: str = "") -> None:
        report.bad(kind, ORGS, line, reason)
        if sourced_id and sourced_id not in orgs.unusable:
            orgs.unusable[sourced_id] = (
                f"org '{sourced_id}' was not imported (orgs.csv line {line})"
            )

    for count, (line, row, problem) in enumerate(table.rows(), 1):
        tick(progress, "orgs", count, table.estimated_rows)
        org_type = row.get("type", "").lower()
        kind = "districts" if org_type == "district" else "schools"
        sourced_id = row.get("sourcedId", "")
        if problem or not sourced_id:
            bad(kind, line, problem or "missing sourcedId", sourced_id)
            continue
        if sourced_id in first_seen:
            reason = (
                f"duplicate sourcedId '{sourced_id}' (first seen on line {first_seen[sourced_id]})"
            )
            bad(kind, line, reason)
            continue
        first_seen[sourced_id] = line
        reason = org_problem(row)
        if reason:
            bad(kind, line, reason, sourced_id)
        elif org_type == "district":
            orgs.districts[sourced_id] = Org(line, sourced_id, row["name"], sourced_id)
        elif org_type == "school":
            school_rows.append((line, row))
        else:
            report.other_orgs += 1
            orgs.unusable[sourced_id] = (
                f"org '{sourced_id}' is a {org_type}, not a school or district"
            )

    # Schools may come before their district in the file, so they are placed once all are read.
    for line, row in school_rows:
        parent = row["parentSourcedId"]
        if parent not in orgs.districts:
            bad("schools", line, f"unknown district '{parent}' as parent", row["sourcedId"])
            continue
        orgs.schools[row["sourcedId"]] = Org(line, row["sourcedId"], row["name"], parent)
    progress("orgs", count, count)
    return orgs


def org_problem(row: dict[str, str]) -> str | None:
    if not row.get("type"):
        return "missing type"
    if not row["name"]:
        return "missing name"
    if len(row["name"]) > 200:
        return "name is longer than 200 characters"
    if len(row["sourcedId"]) > 255:
        return "sourcedId is longer than 255 characters"
    return None


# Users


@dataclass
class UserRow:
    line: int
    sourced_id: str
    name: str
    email: str | None
    title: str
    active: bool


@dataclass
class Users:
    rows: dict[str, UserRow] = field(default_factory=dict)
    bad_ids: set[str] = field(default_factory=set)  # already reported; their roles are skipped


def read_users(table: Table, orgs: Orgs, report: ImportReport, progress: Progress) -> Users:
    users = Users()
    first_seen: dict[str, int] = {}
    email_lines: dict[str, int] = {}
    count = 0
    for count, (line, row, problem) in enumerate(table.rows(), 1):
        tick(progress, "users", count, table.estimated_rows)
        sourced_id = row.get("sourcedId", "")
        if problem or not sourced_id:
            report.bad("users", USERS, line, problem or "missing sourcedId")
            if sourced_id:
                users.bad_ids.add(sourced_id)
            continue
        if sourced_id in first_seen:
            reason = (
                f"duplicate sourcedId '{sourced_id}' (first seen on line {first_seen[sourced_id]})"
            )
            report.bad("users", USERS, line, reason)
            continue
        first_seen[sourced_id] = line
        parsed = parse_user(line, row, orgs)
        if isinstance(parsed, str):
            report.bad("users", USERS, line, parsed)
            users.bad_ids.add(sourced_id)
            continue
        if parsed.email in email_lines:
            reason = f"email '{parsed.email}' already used on line {email_lines[parsed.email]}"
            report.bad("users", USERS, line, reason)
            users.bad_ids.add(sourced_id)
            continue
        if parsed.email:
            email_lines[parsed.email] = line
        users.rows[sourced_id] = parsed
    progress("users", count, count)
    return users


def parse_user(line: int, row: dict[str, str], orgs: Orgs) -> UserRow | str:
    """The user of a users.csv row, or why the row cannot be imported."""
    given = row.get("preferredGivenName") or row.get("givenName", "")
    family = row.get("preferredFamilyName") or row.get("familyName", "")
    name = " ".join(f"{given} {family}".split())
    if not name:
        return "missing givenName and familyName"
    if len(name) > 200:
        return "name is longer than 200 characters"
    if len(row["sourcedId"]) > 255:
        return "sourcedId is longer than 255 characters"
    email = row.get("email", "").lower() or None
    if email:
        try:
            validate_email(email)
        except ValidationError:
            return f"bad email '{row['email']}'"
        if len(email) > 254:
            return "email is longer than 254 characters"
    title = row.get("metadata.title", "")
    if len(title) > 120:
        return "metadata.title is longer than 120 characters"
    primary_org = row.get("primaryOrgSourcedId", "")
    if primary_org and (reason := orgs.problem(primary_org)):
        return reason
    active = row.get("status", "").lower() != "tobedeleted"
    return UserRow(line, row["sourcedId"], name, email, title, active)


# Roles

ROLE_MAP: dict[str, tuple[Role, str]] = {
    "teacher": (Role.TEACHER, ""),
    "aide": (Role.STAFF, "aide"),
    "proctor": (Role.STAFF, "proctor"),
    "counselor": (Role.STAFF, "counselor"),
    "student": (Role.STUDENT, ""),
    "parent": (Role.FAMILY, ""),
    "guardian": (Role.FAMILY, ""),
    "relative": (Role.FAMILY, ""),
    "districtadministrator": (Role.DISTRICT_LEADER, ""),
    "principal": (Role.PRINCIPAL, ""),
    "siteadministrator": (Role.PRINCIPAL, ""),
    "systemadministrator": (Role.STAFF, "system administrator"),
}

# When one person holds several roles, the first of these wins among their primary roles.
ROLE_RANK = (
    Role.SUPERINTENDENT,
    Role.DISTRICT_LEADER,
    Role.PRINCIPAL,
    Role.TEACHER_LEADER,
    Role.TEACHER,
    Role.STAFF,
    Role.BOARD_MEMBER,
    Role.STUDENT,
    Role.FAMILY,
    Role.COMMUNITY,
)


def map_role(name: str, at_district: bool) -> tuple[Role, str] | None:
    """Our role and a title for a OneRoster role, or None when the role is unknown."""
    if name.lower().startswith("ext:"):
        extension = name[4:].strip()
        if not extension:
            return None
        if extension.lower() in Role.values:
            return Role(extension.lower()), ""
        return Role.STAFF, extension.replace("_", " ")
    if name.lower() == "administrator":
        return (Role.DISTRICT_LEADER if at_district else Role.PRINCIPAL), ""
    return ROLE_MAP.get(name.lower())


@dataclass(frozen=True)
class RoleRow:
    line: int
    org_id: str
    role: Role
    title: str
    primary: bool
    active: bool
    begins: datetime.date | None = None


def begin_date(value: str) -> datetime.date | None:
    """A role's beginDate (YYYY-MM-DD); a date that cannot be read is left out."""
    try:
        return datetime.date.fromisoformat(value.strip()[:10]) if value.strip() else None
    except ValueError:
        return None


def read_roles(
    table: Table, users: Users, orgs: Orgs, report: ImportReport, progress: Progress
) -> dict[str, list[RoleRow]]:
    roles: dict[str, list[RoleRow]] = defaultdict(list)
    for count, (line, row, problem) in enumerate(table.rows(), 1):
        tick(progress, "roles", count, table.estimated_rows)
        report.roles_read += 1
        user_id = row.get("userSourcedId", "")
        if user_id in users.bad_ids:
            continue
        parsed = problem or parse_role(line, row, users, orgs)
        if isinstance(parsed, str):
            report.bad("roles", ROLES, line, parsed)
            continue
        roles[user_id].append(parsed)
    progress("roles", report.roles_read, report.roles_read)
    return roles


def parse_role(line: int, row: dict[str, str], users: Users, orgs: Orgs) -> RoleRow | str:
    """The role of a roles.csv row, or why the row cannot be imported."""
    user_id, org_id, name = row["userSourcedId"], row["orgSourcedId"], row["role"]
    if not user_id:
        return "missing userSourcedId"
    if user_id not in users.rows:
        return f"unknown user '{user_id}'"
    if reason := orgs.problem(org_id):
        return reason
    mapped = map_role(name, at_district=org_id in orgs.districts)
    if mapped is None:
        return f"unknown role '{name}'" if name else "missing role"
    role, title = mapped
    return RoleRow(
        line,
        org_id,
        role,
        title,
        primary=row.get("roleType", "").lower() == "primary",
        active=row.get("status", "").lower() != "tobedeleted",
        begins=begin_date(row.get("beginDate", "")),
    )


# People: a user with the role, district and schools their roles give them


@dataclass
class Person:
    row: UserRow
    district_id: str
    role: Role
    title: str
    school_ids: set[str]
    # The earliest beginDate of the person's roles: when they joined the district.
    joined: datetime.date | None = None


def assign_roles(
    users: Users, roles: dict[str, list[RoleRow]], orgs: Orgs, report: ImportReport
) -> list[Person]:
    people = []
    for user in users.rows.values():
        held = roles.get(user.sourced_id, [])
        # A person leaving keeps the roles that are leaving with them, so they can be found.
        current = [role for role in held if role.active] or held
        if not current:
            report.bad("users", USERS, user.line, f"no role for '{user.sourced_id}' in roles.csv")
            continue
        chosen = min(current, key=lambda r: (not r.primary, ROLE_RANK.index(r.role), r.line))
        district_id = orgs.district_of(chosen.org_id)
        school_ids = set()
        for role in current:
            if orgs.district_of(role.org_id) != district_id:
                reason = (
                    f"org '{role.org_id}' is in another district than "
                    f"the other roles of '{user.sourced_id}'"
                )
                report.bad("roles", ROLES, role.line, reason)
            elif role.org_id in orgs.schools:
                school_ids.add(role.org_id)
        role = chosen.role
        if role == Role.DISTRICT_LEADER and "superintendent" in user.title.lower():
            role = Role.SUPERINTENDENT
        starts = [r.begins for r in current if r.begins]
        people.append(
            Person(
                user,
                district_id,
                role,
                user.title or chosen.title,
                school_ids,
                joined=min(starts) if starts else None,
            )
        )
    return people
