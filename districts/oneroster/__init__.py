"""Import a OneRoster 1.2 CSV roster (a folder or a zip) into districts, schools and people.

Reading is pure: the files are decoded, checked and turned into plain rows first. Only then are
the rows compared with the database, which is read once per kind and written in batches, so the
number of queries does not depend on the number of people.

The package, by concern: `reading` opens the folder or zip within its size limits and parses
the CSV files, `rows` checks the rows and turns them into people, `apply` writes them, and
`summary` holds the report and the progress bar. Every name is importable from here.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from .apply import (
    BATCH_SIZE,
    USER_FIELDS,
    apply_person,
    batches,
    emails_taken,
    new_user,
    save_districts,
    save_links,
    save_people,
    save_schools,
    unique_slug,
    update_rows,
)
from .reading import (
    CHUNK_BYTES,
    MANIFEST,
    MANIFEST_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROSTER_BYTES,
    ORG_COLUMNS,
    ORGS,
    READ_FILES,
    ROLE_COLUMNS,
    ROLES,
    USER_COLUMNS,
    USERS,
    RosterError,
    RosterSource,
    Table,
    check_manifest,
    decode,
    megabytes,
    read_capped,
    too_big,
)
from .rows import (
    LEVEL_PATTERNS,
    ROLE_MAP,
    ROLE_RANK,
    Org,
    Orgs,
    Person,
    RoleRow,
    UserRow,
    Users,
    assign_roles,
    guess_level,
    map_role,
    org_problem,
    parse_role,
    parse_user,
    read_orgs,
    read_roles,
    read_users,
)
from .summary import (
    PROGRESS_EVERY,
    BadRow,
    Counts,
    ImportReport,
    Progress,
    TextProgress,
    no_progress,
    plural,
    tick,
)

__all__ = [
    "BATCH_SIZE",
    "CHUNK_BYTES",
    "LEVEL_PATTERNS",
    "MANIFEST",
    "MANIFEST_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROSTER_BYTES",
    "ORGS",
    "ORG_COLUMNS",
    "PROGRESS_EVERY",
    "READ_FILES",
    "ROLES",
    "ROLE_COLUMNS",
    "ROLE_MAP",
    "ROLE_RANK",
    "USERS",
    "USER_COLUMNS",
    "USER_FIELDS",
    "BadRow",
    "Counts",
    "ImportReport",
    "Org",
    "Orgs",
    "Person",
    "Progress",
    "RoleRow",
    "RosterError",
    "RosterSource",
    "Table",
    "TextProgress",
    "UserRow",
    "Users",
    "apply_person",
    "assign_roles",
    "batches",
    "check_manifest",
    "decode",
    "emails_taken",
    "guess_level",
    "import_roster",
    "map_role",
    "megabytes",
    "new_user",
    "no_progress",
    "org_problem",
    "parse_role",
    "parse_user",
    "plural",
    "read_capped",
    "read_orgs",
    "read_roles",
    "read_users",
    "save_districts",
    "save_links",
    "save_people",
    "save_schools",
    "tick",
    "too_big",
    "unique_slug",
    "update_rows",
]


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
        listed = set(users.rows) | users.bad_ids
        save_people(people, districts, schools, report, progress, listed)
        if dry_run:
            transaction.set_rollback(True)
    return report
