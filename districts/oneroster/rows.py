"""Checking the rows of orgs.csv, users.csv and roles.csv and turning them into people.

Pure: nothing here reads or writes the database.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
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


# Org types of OneRoster 1.1 and 1.2. Those that are neither a district nor a school place
# their people in the school (or else the district) they are below; those above a district
# (state, national) place nobody.
PLACED_TYPES = {"department", "local", "schoolsystem"}
ABOVE_TYPES = {"state", "national"}
ORG_TYPES = {"district", "school"} | PLACED_TYPES | ABOVE_TYPES


@dataclass
class Orgs:
    districts: dict[str, Org] = field(default_factory=dict)
    schools: dict[str, Org] = field(default_factory=dict)
    # A department or other org below a school or district -> that school's or district's id.
    placed: dict[str, str] = field(default_factory=dict)
    unusable: dict[str, str] = field(default_factory=dict)  # sourcedId -> why roles can't use it

    def problem(self, sourced_id: str) -> str | None:
        if not sourced_id:
            return "missing org sourcedId"
        place = self.placed.get(sourced_id, sourced_id)
        if place in self.schools or place in self.districts:
            return None
        return self.unusable.get(sourced_id, f"unknown org '{sourced_id}'")

    def place(self, sourced_id: str) -> str:
        """The school or district whose people an org's people are."""
        return self.placed.get(sourced_id, sourced_id)

    def district_of(self, sourced_id: str) -> str:
        place = self.place(sourced_id)
        org = self.districts.get(place) or self.schools[place]
        return org.district_id

    def school_of(self, sourced_id: str) -> str | None:
        place = self.place(sourced_id)
        return place if place in self.schools else None

    def at_district(self, sourced_id: str) -> bool:
        return self.place(sourced_id) in self.districts


def read_orgs(
    table: Table,
    report: ImportReport,
    progress: Progress,
    known: Orgs | None = None,
    home: str | None = None,
    delta: bool = False,
) -> Orgs:
    """The districts, schools and other orgs of orgs.csv.

    `known` holds the orgs already imported, which a delta's rows may refer to; `home` is the
    sourcedId of the one district the roster is imported into, when there is one.
    """
    orgs = known or Orgs()
    first_seen: dict[str, int] = {}
    rows: dict[str, tuple[int, dict[str, str], str]] = {}  # by sourcedId, in file order
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
        # A delta may list an org twice: the later row is the newer.
        if sourced_id in first_seen and not delta:
            reason = (
                f"duplicate sourcedId '{sourced_id}' (first seen on line {first_seen[sourced_id]})"
            )
            bad(kind, line, reason)
            continue
        first_seen[sourced_id] = line
        reason = org_problem(row)
        if reason is None and org_type not in ORG_TYPES and not org_type.startswith("ext:"):
            reason = f"unknown org type '{row['type']}'"
        if reason is None and home and org_type == "district" and sourced_id != home:
            reason = f"district '{sourced_id}' is not the district being imported ('{home}')"
        if reason:
            bad(kind, line, reason, sourced_id)
            continue
        rows[sourced_id] = (line, row, org_type)
        if org_type == "district":
            orgs.districts[sourced_id] = Org(line, sourced_id, row["name"], sourced_id)

    districts_in_file = [sid for sid, (_, _, kind) in rows.items() if kind == "district"]
    if home is None and len(districts_in_file) == 1:
        home = districts_in_file[0]

    # Schools and other orgs may come before their parents in the file, so they are placed once
    # every row is read, walking up parentSourcedId to the nearest school or district.
    def above(sourced_id: str, what: str = "org") -> tuple[str, str | None]:
        """(the nearest school or district above this org, or '', and why not)."""
        seen = {sourced_id}
        parent = rows[sourced_id][1].get("parentSourcedId", "")
        while parent:
            if parent in seen:
                return "", f"its parents go round in a circle through '{parent}'"
            seen.add(parent)
            if parent in orgs.districts or parent in orgs.schools:
                return parent, None
            if parent in rows and rows[parent][2] == "school":
                return parent, None
            if parent not in rows:
                if parent in orgs.placed:
                    return orgs.placed[parent], None
                return "", f"unknown {what} '{parent}' as parent"
            parent = rows[parent][1].get("parentSourcedId", "")
        return "", None

    for sourced_id, (line, row, org_type) in rows.items():
        if org_type != "school":
            continue
        parent, why = above(sourced_id, "district")
        if parent in orgs.schools or (parent in rows and rows[parent][2] == "school"):
            why = f"its parent '{parent}' is a school, not a district"
        elif not parent and not why:
            if home is None:
                count_districts = len(districts_in_file)
                why = (
                    f"no parentSourcedId, and the roster has {count_districts} districts "
                    "to choose from"
                )
            else:
                parent = home
        if why or parent not in orgs.districts:
            bad("schools", line, why or f"unknown district '{parent}' as parent", sourced_id)
            continue
        orgs.schools[sourced_id] = Org(line, sourced_id, row["name"], parent)

    for sourced_id, (line, row, org_type) in rows.items():
        if org_type in ("district", "school"):
            continue
        if org_type in ABOVE_TYPES:
            report.other_orgs += 1
            orgs.unusable[sourced_id] = (
                f"org '{sourced_id}' is a {org_type}, above any district: it places nobody"
            )
            continue
        parent, why = above(sourced_id)
        if not parent and home is not None and (not why or why.startswith("unknown org")):
            # Exports often leave out the school a department belongs to: in the district
            # being imported, its people are that district's.
            if why:
                report.notes.append(
                    f"{row['type']} '{sourced_id}' (orgs.csv line {line}): {why}; its people "
                    "are placed in the district, with no school."
                )
                why = None
            parent = home
        if why or not parent or (parent not in orgs.districts and parent not in orgs.schools):
            reason = why or "not below a school or district, so its people cannot be placed"
            bad("schools", line, f"{row['type']} '{sourced_id}': {reason}", sourced_id)
            continue
        orgs.placed[sourced_id] = parent
        report.placed_orgs += 1
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
    language: str = ""


@dataclass
class Users:
    rows: dict[str, UserRow] = field(default_factory=dict)
    bad_ids: set[str] = field(default_factory=set)  # already reported; their roles are skipped


def changed_at(row: dict[str, str]) -> datetime.datetime | None:
    """A row's dateLastModified (ISO 8601, a date alone being its midnight in UTC)."""
    value = row.get("dateLastModified", "").strip()
    if not value:
        return None
    try:
        when = datetime.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=datetime.UTC)


def note_change(report: ImportReport, row: dict[str, str]) -> None:
    when = changed_at(row)
    if when and (report.newest_change is None or when > report.newest_change):
        report.newest_change = when


def read_users(
    table: Table,
    orgs: Orgs,
    report: ImportReport,
    progress: Progress,
    *,
    delta: bool = False,
    language_columns: tuple[str, ...] = (),
) -> Users:
    users = Users()
    first_seen: dict[str, int] = {}
    email_lines: dict[str, int] = {}
    count = 0
    for count, (line, row, problem) in enumerate(table.rows(), 1):
        tick(progress, "users", count, table.estimated_rows)
        note_change(report, row)
        sourced_id = row.get("sourcedId", "")
        if problem or not sourced_id:
            report.bad("users", USERS, line, problem or "missing sourcedId")
            if sourced_id:
                users.bad_ids.add(sourced_id)
            continue
        if sourced_id in first_seen:
            if not delta:
                reason = (
                    f"duplicate sourcedId '{sourced_id}' "
                    f"(first seen on line {first_seen[sourced_id]})"
                )
                report.bad("users", USERS, line, reason)
                continue
            # A delta's rows apply in file order: a later row for the same person wins.
            earlier = users.rows.pop(sourced_id, None)
            if earlier and earlier.email:
                email_lines.pop(earlier.email, None)
            users.bad_ids.discard(sourced_id)
        first_seen[sourced_id] = line
        parsed = parse_user(line, row, orgs, language_columns)
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
    report.users_read = count
    progress("users", count, count)
    return users


def parse_user(
    line: int, row: dict[str, str], orgs: Orgs, language_columns: tuple[str, ...] = ()
) -> UserRow | str:
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
    language = ""
    for column in language_columns:
        language = language or column_value(row, column)
    if len(language) > LANGUAGE_MAX:
        return f"preferred language '{language[:40]}' is longer than {LANGUAGE_MAX} characters"
    active = row.get("status", "").lower() != "tobedeleted"
    return UserRow(line, row["sourcedId"], name, email, title, active, language)


LANGUAGE_MAX = 35


def column_value(row: dict[str, str], column: str) -> str:
    """A column a district named, found whatever its case in the header."""
    if column in row:
        return row[column]
    folded = column.casefold()
    return next((value for name, value in row.items() if name.casefold() == folded), "")


# Roles

ROLE_VALUES = frozenset(Role.values)
ADMIN_AT_DISTRICT = "administrator@district"
ADMIN_AT_SCHOOL = "administrator@school"

# OneRoster's roles of 1.1 and 1.2 and what each becomes here, unless a district maps it
# otherwise (`RoleMapping`). "administrator" (1.1) depends on where it is held.
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
    ADMIN_AT_DISTRICT: (Role.DISTRICT_LEADER, ""),
    ADMIN_AT_SCHOOL: (Role.PRINCIPAL, ""),
}

# The OneRoster roles a district may map to another of our roles, in the order shown.
MAPPABLE_ROLES = (
    "aide",
    ADMIN_AT_DISTRICT,
    ADMIN_AT_SCHOOL,
    "counselor",
    "proctor",
    "systemadministrator",
    "guardian",
    "parent",
    "relative",
)

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


@dataclass(frozen=True)
class RoleMapping:
    """A district's choices: OneRoster role (a key of ROLE_MAP) -> our role's value."""

    overrides: dict[str, str] = field(default_factory=dict)

    def map(self, name: str, at_district: bool) -> tuple[Role, str] | None:
        if not self.overrides:
            return map_role(name, at_district)
        key = name.lower()
        if key == "administrator":
            key = ADMIN_AT_DISTRICT if at_district else ADMIN_AT_SCHOOL
        chosen = self.overrides.get(key)
        if chosen is not None and chosen in ROLE_VALUES and key in ROLE_MAP:
            default_role, title = ROLE_MAP[key]
            # The title says what the person does; it is kept only where it adds to the role.
            return Role(chosen), title if Role(chosen) == Role.STAFF else ""
        return map_role(name, at_district)


DEFAULT_MAPPING = RoleMapping()


def map_role(name: str, at_district: bool) -> tuple[Role, str] | None:
    """Our role and a title for a OneRoster role, or None when the role is unknown."""
    if name.lower().startswith("ext:"):
        extension = name[4:].strip()
        if not extension:
            return None
        if extension.lower() in ROLE_VALUES:
            return Role(extension.lower()), ""
        return Role.STAFF, extension.replace("_", " ")
    if name.lower() == "administrator":
        return ROLE_MAP[ADMIN_AT_DISTRICT if at_district else ADMIN_AT_SCHOOL]
    if "@" in name:
        return None
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
    file: str = ROLES


def begin_date(value: str) -> datetime.date | None:
    """A role's beginDate (YYYY-MM-DD); a date that cannot be read is left out."""
    try:
        return datetime.date.fromisoformat(value.strip()[:10]) if value.strip() else None
    except ValueError:
        return None


def read_roles(
    file: str,
    rows: Iterable[tuple[int, dict[str, str], str | None]],
    users: Users,
    orgs: Orgs,
    report: ImportReport,
    progress: Progress,
    *,
    known_users: set[str] = frozenset(),
    mappings: dict[str, RoleMapping] | None = None,
    estimated: int = 0,
) -> dict[str, list[RoleRow]]:
    """Each person's roles. `known_users` are people already imported, whom a delta's roles
    may name without listing them in users.csv."""
    roles: dict[str, list[RoleRow]] = defaultdict(list)
    mappings = mappings or {}
    for count, (line, row, problem) in enumerate(rows, 1):
        tick(progress, "roles", count, estimated)
        note_change(report, row)
        report.roles_read += 1
        user_id = row.get("userSourcedId", "")
        if user_id in users.bad_ids:
            continue
        parsed = problem or parse_role(line, row, users, orgs, known_users, mappings, file)
        if isinstance(parsed, str):
            report.bad("roles", file, line, parsed)
            continue
        roles[user_id].append(parsed)
    progress("roles", report.roles_read, report.roles_read)
    return roles


def parse_role(
    line: int,
    row: dict[str, str],
    users: Users,
    orgs: Orgs,
    known_users: set[str] = frozenset(),
    mappings: dict[str, RoleMapping] | None = None,
    file: str = ROLES,
) -> RoleRow | str:
    """The role of a roles.csv row, or why the row cannot be imported."""
    user_id, org_id, name = row["userSourcedId"], row["orgSourcedId"], row["role"]
    if not user_id:
        return "missing userSourcedId"
    if user_id not in users.rows and user_id not in known_users:
        return f"unknown user '{user_id}'"
    if reason := orgs.problem(org_id):
        return reason
    mapping = (mappings or {}).get(orgs.district_of(org_id), DEFAULT_MAPPING)
    mapped = mapping.map(name, at_district=orgs.at_district(org_id))
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
        file=file,
    )


# People: a user with the role, district and schools their roles give them


@dataclass
class Person:
    row: UserRow | None  # None: a delta changes only the roles of someone imported before
    district_id: str | None  # None: a delta's person whose district is the one they are in
    role: Role | None  # None: a delta leaves the role as it is
    title: str
    school_ids: set[str]
    # The earliest beginDate of the person's roles: when they joined the district.
    joined: datetime.date | None = None
    sourced_id: str = ""
    left_school_ids: set[str] = field(default_factory=set)  # a delta's roles that ended
    line: int = 0
    file: str = USERS


def leading_role(current: list[RoleRow], title: str) -> RoleRow:
    return min(current, key=lambda r: (not r.primary, ROLE_RANK.index(r.role), r.line))


def with_title(role: Role, title: str) -> Role:
    if role == Role.DISTRICT_LEADER and "superintendent" in title.lower():
        return Role.SUPERINTENDENT
    return role


def assign_roles(
    users: Users, roles: dict[str, list[RoleRow]], orgs: Orgs, report: ImportReport
) -> list[Person]:
    people = []
    for user in users.rows.values():
        held = roles.get(user.sourced_id, [])
        # A person leaving keeps the roles that are leaving with them, so they can be found.
        current = [role for role in held if role.active] or held
        if not current:
            where = "users.csv" if report.version == "1.1" else "roles.csv"
            report.bad("users", USERS, user.line, f"no role for '{user.sourced_id}' in {where}")
            continue
        chosen = leading_role(current, user.title)
        district_id = orgs.district_of(chosen.org_id)
        school_ids = set()
        for role in current:
            if orgs.district_of(role.org_id) != district_id:
                reason = (
                    f"org '{role.org_id}' is in another district than "
                    f"the other roles of '{user.sourced_id}'"
                )
                report.bad("roles", role.file, role.line, reason)
            elif school := orgs.school_of(role.org_id):
                school_ids.add(school)
        starts = [r.begins for r in current if r.begins]
        people.append(
            Person(
                user,
                district_id,
                with_title(chosen.role, user.title),
                user.title or chosen.title,
                school_ids,
                joined=min(starts) if starts else None,
                sourced_id=user.sourced_id,
                line=user.line,
            )
        )
    return people


def delta_people(
    users: Users, roles: dict[str, list[RoleRow]], orgs: Orgs, report: ImportReport
) -> list[Person]:
    """A delta's changes per person: the users it lists, and the people whose roles it lists.

    A role that is active adds its school; one to be deleted takes its school away. A person
    keeps the role they have unless the delta gives them an active one.
    """
    people = []
    for sourced_id in dict.fromkeys([*users.rows, *roles]):
        row = users.rows.get(sourced_id)
        held = roles.get(sourced_id, [])
        active = [role for role in held if role.active]
        title = row.title if row else ""
        chosen = leading_role(active or held, title) if held else None
        district_id = orgs.district_of(chosen.org_id) if chosen else None
        added, left = set(), set()
        for role in held:
            if orgs.district_of(role.org_id) != district_id:
                reason = (
                    f"org '{role.org_id}' is in another district than "
                    f"the other roles of '{sourced_id}'"
                )
                report.bad("roles", role.file, role.line, reason)
            elif school := orgs.school_of(role.org_id):
                (added if role.active else left).add(school)
        starts = [r.begins for r in active if r.begins]
        people.append(
            Person(
                row,
                district_id,
                with_title(chosen.role, title) if active and chosen else None,
                title or (chosen.title if active and chosen else ""),
                added,
                joined=min(starts) if starts else None,
                sourced_id=sourced_id,
                left_school_ids=left - added,
                line=row.line if row else held[0].line,
                file=USERS if row else held[0].file,
            )
        )
    return people
