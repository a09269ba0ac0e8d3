"""Import a OneRoster 1.2 CSV roster (a folder or a zip) into districts, schools and people.

Reading is pure: the files are decoded, checked and turned into plain rows first. Only then are
the rows compared with the database, which is read once per kind and written in batches, so the
number of queries does not depend on the number of people.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import BinaryIO, TextIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Model
from django.utils.text import slugify

from .models import District, Role, School, User

BATCH_SIZE = 2000
PROGRESS_EVERY = 500
# The four files are read into memory whole: a roster of 100,000 people is 10 to 20 MB. A
# file (or a zip member, whatever its header claims) past these sizes is refused.
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_ROSTER_BYTES = 200 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024

MANIFEST = "manifest.csv"
ORGS = "orgs.csv"
USERS = "users.csv"
ROLES = "roles.csv"

MANIFEST_COLUMNS = ("propertyName", "value")
ORG_COLUMNS = ("sourcedId", "name", "type", "parentSourcedId")
USER_COLUMNS = ("sourcedId", "givenName", "familyName")
ROLE_COLUMNS = ("userSourcedId", "orgSourcedId", "role")

USER_FIELDS = ("name", "email", "role", "title", "is_active", "sourced_id")
READ_FILES = (MANIFEST, ORGS, USERS, ROLES)

Progress = Callable[[str, int, int], None]


class RosterError(Exception):
    """The roster as a whole cannot be imported. The message is one line meant for a person."""


# Reading the files


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def too_big(path: Path, what: str, size: int, limit: int) -> RosterError:
    return RosterError(
        f"{what} in {path} unpacks to more than {megabytes(limit)} (at least {megabytes(size)}); "
        f"the import reads at most {megabytes(MAX_FILE_BYTES)} per file and "
        f"{megabytes(MAX_ROSTER_BYTES)} for manifest.csv, orgs.csv, users.csv and roles.csv "
        "together."
    )


def read_capped(stream: BinaryIO, limit: int) -> bytes | None:
    """Up to `limit` bytes of `stream`, a chunk at a time; None when there is more."""
    chunks, size = [], 0
    while chunk := stream.read(min(CHUNK_BYTES, limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return None
    return b"".join(chunks)


class RosterSource:
    """The files of a roster folder or zip: those beside manifest.csv, at the top or one down.

    The files the import reads must stay under `MAX_FILE_BYTES` each and `MAX_ROSTER_BYTES`
    together: checked on the sizes a folder or zip states before anything is read, and again
    while reading, so a zip member whose header understates its size is still stopped.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._left = MAX_ROSTER_BYTES
        if path.is_dir():
            self._files = self._folder_files(path)
            self._zip = False
        elif path.is_file() and zipfile.is_zipfile(path):
            self._files = self._zip_files(path)
            self._zip = True
        elif path.exists():
            raise RosterError(f"{path} is neither a folder nor a zip file.")
        else:
            raise RosterError(f"{path} does not exist.")
        self._check_stated_sizes()

    def _stated_sizes(self) -> dict[str, int]:
        wanted = {name: self._files[name] for name in READ_FILES if name in self._files}
        try:
            if not self._zip:
                return {name: Path(member).stat().st_size for name, member in wanted.items()}
            with zipfile.ZipFile(self.path) as archive:
                return {name: archive.getinfo(member).file_size for name, member in wanted.items()}
        except (OSError, KeyError, zipfile.BadZipFile) as error:
            raise RosterError(f"cannot read {self.path}: {error}") from None

    def _check_stated_sizes(self) -> None:
        sizes = self._stated_sizes()
        for name, size in sizes.items():
            if size > MAX_FILE_BYTES:
                raise too_big(self.path, name, size, MAX_FILE_BYTES)
        if sum(sizes.values()) > MAX_ROSTER_BYTES:
            raise too_big(self.path, "the roster", sum(sizes.values()), MAX_ROSTER_BYTES)

    def read(self, name: str) -> bytes:
        member = self._files.get(name)
        if member is None:
            raise RosterError(f"{name} is missing from {self.path}.")
        limit = min(MAX_FILE_BYTES, self._left)
        try:
            if not self._zip:
                with open(member, "rb") as stream:
                    data = read_capped(stream, limit)
            else:
                with zipfile.ZipFile(self.path) as archive, archive.open(member) as stream:
                    data = read_capped(stream, limit)
        except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as error:
            raise RosterError(f"cannot read {name} from {self.path}: {error}") from None
        if data is None:
            what = name if limit == MAX_FILE_BYTES else "the roster"
            raise too_big(self.path, what, limit + 1, limit)
        self._left -= len(data)
        return data

    @staticmethod
    def _folder_files(path: Path) -> dict[str, str]:
        folder = path
        if not (path / MANIFEST).is_file():
            candidates = [child for child in path.iterdir() if (child / MANIFEST).is_file()]
            if len(candidates) != 1:
                raise RosterError(f"{path} has no {MANIFEST}; is it a OneRoster CSV export?")
            folder = candidates[0]
        return {child.name.lower(): str(child) for child in folder.iterdir() if child.is_file()}

    @staticmethod
    def _zip_files(path: Path) -> dict[str, str]:
        try:
            with zipfile.ZipFile(path) as archive:
                names = [name for name in archive.namelist() if not name.endswith("/")]
        except (OSError, zipfile.BadZipFile) as error:
            raise RosterError(f"{path} is not a readable zip file: {error}") from None
        members = [PurePosixPath(name) for name in names if not name.startswith("__MACOSX/")]
        manifests = [m for m in members if m.name.lower() == MANIFEST and len(m.parts) <= 2]
        top = [m for m in manifests if len(m.parts) == 1]
        if top:
            folder = top[0].parent
        elif len(manifests) == 1:
            folder = manifests[0].parent
        elif manifests:
            raise RosterError(f"{path} holds several {MANIFEST} files; zip one roster at a time.")
        else:
            raise RosterError(f"{path} has no {MANIFEST}; is it a OneRoster CSV export?")
        return {m.name.lower(): str(m) for m in members if m.parent == folder}


def decode(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterError(f"{name} is UTF-16 text; save it as UTF-8 (CSV UTF-8) and import again.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise RosterError(
            f"{name} is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}); "
            "save it as UTF-8 (CSV UTF-8) and import again."
        ) from None
    if "\x00" in text:
        raise RosterError(
            f"{name} contains NUL bytes (UTF-16?); save it as UTF-8 and import again."
        )
    if not text.strip():
        raise RosterError(f"{name} is empty.")
    return text


@dataclass
class Table:
    name: str
    text: str
    columns: list[str]

    @classmethod
    def read(cls, source: RosterSource, name: str, required: Iterable[str]) -> Table:
        text = decode(name, source.read(name))
        try:
            header = next(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as error:
            raise RosterError(f"{name} line 1: {error}") from None
        columns = [column.strip() for column in header]
        missing = [column for column in required if column not in columns]
        if missing:
            found = ", ".join(columns[:12]) + (", …" if len(columns) > 12 else "")
            raise RosterError(
                f"{name} has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''} "
                f"(its columns are: {found})."
            )
        return cls(name, text, columns)

    @cached_property
    def estimated_rows(self) -> int:
        return max(self.text.count("\n") - 1 + (not self.text.endswith("\n")), 0)

    def rows(self) -> Iterator[tuple[int, dict[str, str], str | None]]:
        """Yield (line where the row starts, values by column, why the row is malformed or None)."""
        reader = csv.reader(io.StringIO(self.text, newline=""))
        next(reader)
        start = reader.line_num + 1
        try:
            for values in reader:
                line, start = start, reader.line_num + 1
                if not any(value.strip() for value in values):
                    continue
                row = dict(zip(self.columns, (value.strip() for value in values), strict=False))
                problem = None
                if len(values) != len(self.columns):
                    problem = f"has {len(values)} fields but the header has {len(self.columns)}"
                yield line, row, problem
        except csv.Error as error:
            raise RosterError(f"{self.name} line {reader.line_num}: {error}") from None


def check_manifest(table: Table) -> None:
    properties = {row.get("propertyName", ""): row.get("value", "") for _, row, _ in table.rows()}
    version = properties.get("oneroster.version", "")
    if version and not version.startswith("1.2"):
        raise RosterError(
            f"{MANIFEST} says OneRoster {version}; this import reads OneRoster 1.2 (roles.csv)."
        )
    for kind in ("orgs", "users", "roles"):
        mode = properties.get(f"file.{kind}", "").lower() or "absent"
        if mode == "delta":
            raise RosterError(
                f"{MANIFEST} lists file.{kind} as delta; only bulk exports can be imported, "
                "so export the full roster."
            )
        if mode != "bulk":
            raise RosterError(f"{MANIFEST} must list file.{kind} as bulk (it says {mode!r}).")


# The report


@dataclass(frozen=True)
class BadRow:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.reason}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: int = 0


@dataclass
class ImportReport:
    source: str
    dry_run: bool
    counts: dict[str, Counts] = field(
        default_factory=lambda: {kind: Counts() for kind in ("districts", "schools", "users")}
    )
    roles_read: int = 0
    roles_bad: int = 0
    other_orgs: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def bad(self, kind: str, file: str, line: int, reason: str) -> None:
        if kind == "roles":
            self.roles_bad += 1
        else:
            self.counts[kind].bad += 1
        self.bad_rows.append(BadRow(file, line, reason))

    def summary_lines(self) -> list[str]:
        if self.dry_run:
            lines = [f"Dry run of the OneRoster import of {self.source}: nothing was saved."]
        else:
            lines = [f"Imported the OneRoster roster {self.source}."]
        for kind, counts in self.counts.items():
            lines.append(
                f"{kind + ':':<11}{counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged, {plural(counts.bad, 'bad row')}"
            )
        lines.append(f"{'roles:':<11}{self.roles_read} read, {plural(self.roles_bad, 'bad row')}")
        if self.other_orgs:
            lines.append(f"{plural(self.other_orgs, 'org')} neither district nor school, skipped")
        lines.extend(f"Note: {note}" for note in self.notes)
        file_order = {ORGS: 0, USERS: 1, ROLES: 2}
        if self.bad_rows:
            lines.append(f"{plural(len(self.bad_rows), 'bad row')}, not imported:")
            rows = sorted(self.bad_rows, key=lambda bad: (file_order[bad.file], bad.line))
            lines.extend(f"  {bad}" for bad in rows)
        if self.dry_run:
            lines.append("Dry run: the changes above were rolled back.")
        return lines


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class TextProgress:
    """A progress bar on a text stream: redrawn in place on a terminal, else only when finished."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.live = stream.isatty()
        self._last: tuple[str, int] | None = None
        self._open = False

    def __call__(self, label: str, done: int, total: int) -> None:
        finished = done >= total
        percent = 100 if total <= 0 else min(done * 100 // total, 100)
        if not finished and (not self.live or self._last == (label, percent)):
            return
        self._last = (label, percent)
        filled = self.width * percent // 100
        bar = "#" * filled + "." * (self.width - filled)
        text = f"{label:<8} [{bar}] {percent:3d}%  {done}/{total}"
        self.stream.write(("\r" if self.live else "") + text + ("\n" if finished else ""))
        self.stream.flush()
        self._open = self.live and not finished

    def close(self) -> None:
        """End a bar left half drawn, so an error message starts on its own line."""
        if self._open:
            self.stream.write("\n")
            self._open = False


def tick(progress: Progress, label: str, done: int, total: int) -> None:
    if done % PROGRESS_EVERY == 0 and done < total:
        progress(label, done, total)


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
    )


# People: a user with the role, district and schools their roles give them


@dataclass
class Person:
    row: UserRow
    district_id: str
    role: Role
    title: str
    school_ids: set[str]


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
        people.append(Person(user, district_id, role, user.title or chosen.title, school_ids))
    return people


# Saving


def batches[T](items: list[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:44].strip("-") or "district"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def save_districts(orgs: Orgs, report: ImportReport) -> dict[str, District]:
    existing = list(District.objects.only("id", "name", "slug", "sourced_id"))
    # Matched on sourcedId alone: a roster naming a district like an existing one must not
    # take over its people, schools and decisions. To import into a district set up by hand,
    # give it the roster's sourcedId in the admin first.
    by_sourced_id = {district.sourced_id: district for district in existing if district.sourced_id}
    names = {district.name.casefold() for district in existing}
    slugs = {district.slug for district in existing}
    counts = report.counts["districts"]
    saved, created, changed = {}, [], []
    for org in orgs.districts.values():
        district = by_sourced_id.get(org.sourced_id)
        if district is None:
            if org.name.casefold() in names:
                report.notes.append(
                    f"district '{org.name}' ({org.sourced_id}) is new: a district of that name "
                    "already exists with another sourcedId, or none. To import into that one "
                    "instead, set its sourcedId in the admin and import again."
                )
            district = District(
                name=org.name, slug=unique_slug(org.name, slugs), sourced_id=org.sourced_id
            )
            created.append(district)
            counts.created += 1
        elif (district.name, district.sourced_id) != (org.name, org.sourced_id):
            district.name, district.sourced_id = org.name, org.sourced_id
            changed.append(district)
            counts.updated += 1
        else:
            counts.unchanged += 1
        saved[org.sourced_id] = district
    District.objects.bulk_create(created)
    District.objects.bulk_update(changed, ["name", "sourced_id"])
    return saved


def save_schools(
    orgs: Orgs, districts: dict[str, District], report: ImportReport
) -> dict[str, School]:
    district_pks = [district.pk for district in districts.values()]
    existing = list(
        School.objects.filter(district_id__in=district_pks).only(
            "id", "district_id", "name", "sourced_id"
        )
    )
    by_sourced_id = {(s.district_id, s.sourced_id): s for s in existing if s.sourced_id}
    unclaimed = {(s.district_id, s.name.casefold()): s for s in existing if not s.sourced_id}
    counts = report.counts["schools"]
    saved, created, changed = {}, [], []
    for org in orgs.schools.values():
        district = districts[org.district_id]
        school = by_sourced_id.get((district.pk, org.sourced_id)) or unclaimed.pop(
            (district.pk, org.name.casefold()), None
        )
        if school is None:
            # The level is only guessed for a new school; someone may have corrected it since.
            school = School(
                district=district,
                name=org.name,
                level=guess_level(org.name),
                sourced_id=org.sourced_id,
            )
            created.append(school)
            counts.created += 1
        elif (school.name, school.sourced_id) != (org.name, org.sourced_id):
            school.name, school.sourced_id = org.name, org.sourced_id
            changed.append(school)
            counts.updated += 1
        else:
            counts.unchanged += 1
        saved[org.sourced_id] = school
    School.objects.bulk_create(created, batch_size=BATCH_SIZE)
    School.objects.bulk_update(changed, ["name", "sourced_id"], batch_size=BATCH_SIZE)
    return saved


def emails_taken(emails: set[str], district_pks: list[int]) -> set[str]:
    """Emails already used by someone outside the districts being imported."""
    taken: set[str] = set()
    for chunk in batches(sorted(emails)):
        taken.update(
            User.objects.filter(email__in=chunk)
            .exclude(district_id__in=district_pks)
            .values_list("email", flat=True)
        )
    return taken


def apply_person(user: User, person: Person) -> bool:
    """Copy the person's values onto the user; True when anything changed.

    An empty email or title in the roster leaves what the user has: the import never takes
    away a login or a title someone typed in.
    """
    values = {
        "name": person.row.name,
        "role": person.role,
        "is_active": person.row.active,
        "sourced_id": person.row.sourced_id,
    }
    if person.row.email:
        values["email"] = person.row.email
    if person.title:
        values["title"] = person.title
    changed = False
    for name, value in values.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    return changed


def new_user(person: Person, district: District) -> User:
    user = User(
        district=district,
        sourced_id=person.row.sourced_id,
        name=person.row.name,
        email=person.row.email,
        role=person.role,
        title=person.title,
        is_active=person.row.active,
    )
    user.set_unusable_password()
    return user


def save_people(
    people: list[Person],
    districts: dict[str, District],
    schools: dict[str, School],
    report: ImportReport,
    progress: Progress,
) -> None:
    district_pks = [district.pk for district in districts.values()]
    existing = list(
        User.objects.filter(district_id__in=district_pks).only("id", "district_id", *USER_FIELDS)
    )
    by_sourced_id = {(u.district_id, u.sourced_id): u for u in existing if u.sourced_id}
    # Someone invited by hand before the first import is matched by email and taken over.
    unclaimed = {
        (u.district_id, u.email.lower()): u for u in existing if u.email and not u.sourced_id
    }
    email_owners = {u.email.lower(): u.pk for u in existing if u.email}
    taken = emails_taken(
        {p.row.email for p in people if p.row.email} - email_owners.keys(), district_pks
    )

    through = User.schools.through
    links: dict[int, dict[int, int]] = defaultdict(dict)  # user pk -> school pk -> link pk
    for link_pk, user_pk, school_pk in through.objects.filter(
        user__district_id__in=district_pks
    ).values_list("id", "user_id", "school_id"):
        links[user_pk][school_pk] = link_pk

    counts = report.counts["users"]
    created: list[User] = []
    changed: list[User] = []
    wanted: list[tuple[User, set[int]]] = []
    for person in people:
        district = districts[person.district_id]
        email = person.row.email
        user = by_sourced_id.get((district.pk, person.row.sourced_id))
        if user is None and email:
            user = unclaimed.pop((district.pk, email), None)
        owner = email_owners.get(email) if email else None
        if email in taken or (owner is not None and (user is None or owner != user.pk)):
            reason = f"email '{email}' is already used by another person"
            report.bad("users", USERS, person.row.line, reason)
            continue
        school_pks = {schools[school_id].pk for school_id in person.school_ids}
        if user is None:
            user = new_user(person, district)
            created.append(user)
            counts.created += 1
        else:
            fields_changed = apply_person(user, person)
            if fields_changed:
                changed.append(user)
            if fields_changed or links[user.pk].keys() != school_pks:
                counts.updated += 1
            else:
                counts.unchanged += 1
        wanted.append((user, school_pks))

    total, done = len(created) + len(changed), 0
    for batch in batches(created):
        User.objects.bulk_create(batch)
        done += len(batch)
        progress("saving", done, total)
    for batch in batches(changed):
        update_rows(User, batch, USER_FIELDS)
        done += len(batch)
        progress("saving", done, total)
    if not total:
        progress("saving", 0, 0)
    save_links(wanted, links)


def update_rows(model: type[Model], objects: list[Model], fields: Iterable[str]) -> None:
    """Write the fields of saved objects with one UPDATE ... FROM (VALUES ...) per batch.

    QuerySet.bulk_update builds a CASE per field and row; at 100,000 rows that takes minutes.
    Both PostgreSQL and SQLite name the columns of a VALUES list column1, column2, ...
    """
    columns = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    assignments = ", ".join(
        f"{quote(column.column)} = v.column{number}" for number, column in enumerate(columns, 2)
    )
    row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    for batch in batches(objects):
        params = []
        for obj in batch:
            params.append(obj.pk)
            params += [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns]
        values = ", ".join([row] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {values}) AS v "
                f"WHERE {table}.{pk} = v.column1",
                params,
            )


def save_links(wanted: list[tuple[User, set[int]]], links: dict[int, dict[int, int]]) -> None:
    """Make each person's schools exactly the schools of their roles."""
    through = User.schools.through
    new_links, stale = [], []
    for user, school_pks in wanted:
        current = links.get(user.pk, {})
        new_links += [
            through(user_id=user.pk, school_id=pk) for pk in school_pks if pk not in current
        ]
        stale += [link_pk for school_pk, link_pk in current.items() if school_pk not in school_pks]
    through.objects.bulk_create(new_links, batch_size=BATCH_SIZE, ignore_conflicts=True)
    for batch in batches(stale):
        through.objects.filter(pk__in=batch).delete()


def no_progress(label: str, done: int, total: int) -> None:
    pass


def import_roster(
    path: str | Path, *, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import a OneRoster 1.2 bulk CSV folder or zip. Raises RosterError when it can't be read."""
    progress = progress or no_progress
    source = RosterSource(Path(path))
    check_manifest(Table.read(source, MANIFEST, MANIFEST_COLUMNS))
    orgs_table = Table.read(source, ORGS, ORG_COLUMNS)
    users_table = Table.read(source, USERS, USER_COLUMNS)
    roles_table = Table.read(source, ROLES, ROLE_COLUMNS)

    report = ImportReport(source=str(path), dry_run=dry_run)
    orgs = read_orgs(orgs_table, report, progress)
    users = read_users(users_table, orgs, report, progress)
    roles = read_roles(roles_table, users, orgs, report, progress)
    people = assign_roles(users, roles, orgs, report)

    with transaction.atomic():
        districts = save_districts(orgs, report)
        schools = save_schools(orgs, districts, report)
        save_people(people, districts, schools, report, progress)
        if dry_run:
            transaction.set_rollback(True)
    return report
