"""The two versions of OneRoster CSV the import reads, and everything that differs between them.

OneRoster 1.2 lists each person's roles in roles.csv, one row per role at one org, with
`roleType` primary or secondary. OneRoster 1.1 has no roles.csv: users.csv carries one `role`
per person and the orgs they hold it at in `orgSourcedIds` (several, comma-separated; the first
is taken as primary), and none of 1.2's `primaryOrgSourcedId` or preferred names. The rest of
the import reads 1.2's shapes only; 1.1 is turned into them here.

The manifest's `oneroster.version` decides. A roster without a manifest, or whose manifest does
not name a version, is read by its columns: a users.csv with a `role` column and no roles.csv
is 1.1. Without a manifest every file is taken as a bulk export.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .reading import (
    MANIFEST,
    MANIFEST_COLUMNS,
    ORG_COLUMNS,
    ORGS,
    ROLE_COLUMNS,
    ROLES,
    USER_COLUMNS,
    USERS,
    RosterError,
    RosterSource,
    Table,
)

V1_1 = "1.1"
V1_2 = "1.2"
BULK, DELTA, ABSENT = "bulk", "delta", "absent"

# The users.csv columns of 1.1 that hold what 1.2 keeps in roles.csv.
USER_ROLE_1_1 = "role"
USER_ORGS_1_1 = "orgSourcedIds"
USER_COLUMNS_1_1 = (*USER_COLUMNS, USER_ROLE_1_1, USER_ORGS_1_1)


@dataclass(frozen=True)
class Manifest:
    version: str
    modes: dict[str, str] = field(default_factory=dict)  # "orgs", "users", "roles" -> mode

    @property
    def delta(self) -> bool:
        return DELTA in self.modes.values()

    def mode(self, kind: str) -> str:
        return self.modes.get(kind, ABSENT)


@dataclass
class RosterTables:
    manifest: Manifest
    orgs: Table
    users: Table
    roles: Table | None  # None for 1.1, whose roles are in users.csv

    def role_rows(self) -> tuple[str, Iterator[tuple[int, dict[str, str], str | None]]]:
        """The file role rows come from, and its rows in 1.2's roles.csv shape."""
        if self.roles is not None:
            return ROLES, self.roles.rows()
        return USERS, roles_from_users(self.users)


def roles_from_users(users: Table) -> Iterator[tuple[int, dict[str, str], str | None]]:
    """1.1's roles: one row per org in each user's `orgSourcedIds`, with the user's line."""
    for line, row, problem in users.rows():
        if problem:
            continue  # reported with the user
        org_ids = [org.strip() for org in row.get(USER_ORGS_1_1, "").split(",") if org.strip()]
        for number, org_id in enumerate(org_ids or [""]):
            yield (
                line,
                {
                    "userSourcedId": row.get("sourcedId", ""),
                    "orgSourcedId": org_id,
                    "role": row.get(USER_ROLE_1_1, ""),
                    "roleType": "primary" if number == 0 else "secondary",
                    "status": row.get("status", ""),
                    "dateLastModified": row.get("dateLastModified", ""),
                },
                None,
            )


def read_manifest(source: RosterSource) -> Manifest | None:
    if not source.has(MANIFEST):
        return None
    table = Table.read(source, MANIFEST, MANIFEST_COLUMNS)
    properties = {
        row.get("propertyName", "").strip().lower(): row.get("value", "").strip()
        for _, row, _ in table.rows()
    }
    version = properties.get("oneroster.version", "")
    if version and not version.startswith((V1_1, V1_2)):
        raise RosterError(
            f"{MANIFEST} says OneRoster {version}; this import reads OneRoster 1.1 and 1.2."
        )
    modes = {}
    for kind in ("orgs", "users", "roles"):
        mode = properties.get(f"file.{kind}", "").lower() or ABSENT
        if mode not in (BULK, DELTA, ABSENT):
            raise RosterError(
                f"{MANIFEST} lists file.{kind} as {mode!r}; it must be bulk, delta or absent."
            )
        modes[kind] = mode
    return Manifest(version[:3], modes)


def version_by_columns(source: RosterSource) -> str:
    if source.has(ROLES):
        return V1_2
    columns = Table.read(source, USERS, ()).columns
    return V1_1 if USER_ROLE_1_1 in columns else V1_2


def read_tables(source: RosterSource) -> RosterTables:
    """The roster's files, checked for the columns their version needs."""
    manifest = read_manifest(source)
    if manifest is None or not manifest.version:
        version = version_by_columns(source)
        modes = manifest.modes if manifest else {}
        manifest = Manifest(version, modes or dict.fromkeys(("orgs", "users", "roles"), BULK))
    if manifest.version == V1_1:
        # 1.1 has no roles file, so the manifest's file.roles says nothing.
        manifest = Manifest(V1_1, manifest.modes | {"roles": manifest.mode("users")})
    kinds = ("orgs", "users") + (("roles",) if manifest.version == V1_2 else ())
    bulk = [kind for kind in kinds if manifest.mode(kind) == BULK]
    delta = [kind for kind in kinds if manifest.mode(kind) == DELTA]
    if bulk and delta:
        raise RosterError(
            f"{MANIFEST} mixes bulk ({', '.join(bulk)}) and delta ({', '.join(delta)}) files; "
            "export all of them as bulk, or all as delta."
        )
    if bulk and len(bulk) < len(kinds):
        missing = next(kind for kind in kinds if kind not in bulk)
        raise RosterError(
            f"{MANIFEST} must list file.{missing} as bulk (it says {manifest.mode(missing)!r})."
        )
    if not bulk and not delta:
        raise RosterError(f"{MANIFEST} lists none of file.orgs, file.users, file.roles.")

    def table(name: str, kind: str, columns) -> Table:
        if manifest.mode(kind) == ABSENT:
            return Table.empty(name)
        return Table.read(source, name, columns)

    user_columns = USER_COLUMNS_1_1 if manifest.version == V1_1 else USER_COLUMNS
    return RosterTables(
        manifest,
        orgs=table(ORGS, "orgs", ORG_COLUMNS),
        users=table(USERS, "users", user_columns),
        roles=table(ROLES, "roles", ROLE_COLUMNS) if manifest.version == V1_2 else None,
    )
