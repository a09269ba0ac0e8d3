"""Import a OneRoster 1.1 or 1.2 CSV roster, bulk or delta, (a folder or a zip) into districts, schools and people.

Reading is pure: the files are decoded, checked and turned into plain rows first. Only then are
the rows compared with the database, which is read once per kind and written in batches, so the
number of queries does not depend on the number of people.

The package, by concern: `reading` opens the folder or zip within its size limits and parses
the CSV files, `rows` checks the rows and turns them into people, `apply` writes them, and
`summary` holds the report and the progress bar. `versions` holds all that differs
between OneRoster 1.1 and 1.2 and reads the manifest; `delta` writes a delta export. Every name is importable from here.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.db.models import Q

from ..models import District, School
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
from .delta import save_delta_people
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
    decode,
    megabytes,
    read_capped,
    too_big,
)
from .rows import (
    DEFAULT_MAPPING,
    LEVEL_PATTERNS,
    MAPPABLE_ROLES,
    ROLE_MAP,
    ROLE_RANK,
    Org,
    Orgs,
    Person,
    RoleMapping,
    RoleRow,
    UserRow,
    Users,
    assign_roles,
    delta_people,
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
from .versions import V1_1, V1_2, Manifest, read_tables

# The key of the district an upload imports into when neither it nor the roster has a
# sourcedId. CSV text cannot hold a NUL, so no org of a roster has it; PostgreSQL cannot store
# one either, so it never reaches a query.
HOME = "\x00home"

__all__ = [
    "BATCH_SIZE",
    "DEFAULT_MAPPING",
    "MAPPABLE_ROLES",
    "V1_1",
    "V1_2",
    "Manifest",
    "RoleMapping",
    "delta_people",
    "read_tables",
    "save_delta_people",
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


class Everyone:
    """The people a delta's roles may name: anyone; whoever was never imported is reported
    when the delta is written."""

    def __contains__(self, sourced_id: object) -> bool:
        return True


def known_orgs(district: District | None, home: str | None = None) -> Orgs:
    """The districts and schools imported before (of `district` alone, when given, under the
    key `home`)."""
    orgs = Orgs()
    districts = District.objects.exclude(sourced_id="").only("id", "name", "sourced_id")
    if district is not None:
        districts = districts.filter(pk=district.pk)
        orgs.districts[home] = Org(0, home, district.name, home)
    by_pk = {}
    for row in districts:
        orgs.districts[row.sourced_id] = Org(0, row.sourced_id, row.name, row.sourced_id)
        by_pk[row.pk] = row.sourced_id
    schools = School.objects.filter(district_id__in=by_pk).exclude(sourced_id="")
    for school in schools.only("id", "name", "sourced_id", "district_id"):
        district_id = by_pk[school.district_id]
        orgs.schools[school.sourced_id] = Org(0, school.sourced_id, school.name, district_id)
    return orgs


def district_rows(orgs: Table) -> list[str]:
    return [
        row.get("sourcedId", "")
        for _, row, _ in orgs.rows()
        if row.get("type", "").lower() == "district"
    ]


def home_key(district: District, orgs: Table) -> str:
    """The key under which an upload imports into `district`: its sourcedId; for a district
    without one, the roster's district's (taken over), or HOME when the roster lists none."""
    if district.sourced_id:
        return district.sourced_id
    listed = district_rows(orgs)
    if not listed:
        return HOME
    if len(listed) > 1:
        raise RosterError(
            f"orgs.csv lists {len(listed)} districts; an upload into {district.name} "
            "imports a roster of one district."
        )
    taken = District.objects.filter(sourced_id=listed[0]).exclude(pk=district.pk)
    if taken.exists():
        raise RosterError(f"the roster's district '{listed[0]}' is another district here.")
    return listed[0]


def check_order(touched: set[int], report: ImportReport) -> None:
    """Refuse a delta older than one applied before; then keep its time as the latest."""
    newest = report.newest_change
    if newest is None:
        if report.delta:
            report.notes.append(
                "no row has a dateLastModified, so this delta's order could not be checked."
            )
        return
    if report.delta:
        for name, last in District.objects.filter(
            pk__in=touched, roster_changed_at__gt=newest
        ).values_list("name", "roster_changed_at"):
            raise RosterError(
                f"this delta's newest change ({newest:%Y-%m-%d %H:%M} UTC) is older than the "
                f"last roster applied to {name} ({last:%Y-%m-%d %H:%M} UTC); import a newer "
                "delta, or a full (bulk) export."
            )
    District.objects.filter(pk__in=touched).filter(
        Q(roster_changed_at__isnull=True) | Q(roster_changed_at__lt=newest)
    ).update(roster_changed_at=newest)


def import_roster(
    path: str | Path,
    *,
    dry_run: bool,
    progress: Progress | None = None,
    district: District | None = None,
) -> ImportReport:
    """Import a OneRoster 1.1 or 1.2 CSV folder or zip, bulk or delta; with `district`, into
    that district only. Raises RosterError when it can't be read or must not be applied."""
    progress = progress or no_progress
    source = RosterSource(Path(path))
    tables = read_tables(source)
    delta = tables.manifest.delta
    report = ImportReport(
        source=str(path), dry_run=dry_run, version=tables.manifest.version, delta=delta
    )
    home = home_key(district, tables.orgs) if district is not None else None
    if home is None and not delta and not district_rows(tables.orgs):
        raise RosterError(
            "orgs.csv lists no district; import it into an existing one with --district "
            "<slug>, or upload it on that district's administration page."
        )
    known = known_orgs(district, home) if delta or district is not None else None
    orgs = read_orgs(tables.orgs, report, progress, known=known, home=home, delta=delta)
    adopt = district is not None and not district.sourced_id and home != HOME
    chosen = District.objects.filter(
        sourced_id__in=[sid for sid in orgs.districts if sid != HOME]
    ).only("sourced_id", "roster_roles", "roster_language_column")
    settings = {d.sourced_id: d for d in chosen}
    if district is not None:
        settings[home] = district
    mappings = {sid: RoleMapping(d.roster_roles or {}) for sid, d in settings.items()}
    languages = tuple(
        {d.roster_language_column for d in settings.values() if d.roster_language_column}
    )
    users = read_users(
        tables.users, orgs, report, progress, delta=delta, language_columns=languages
    )
    role_file, role_rows = tables.role_rows()
    estimated = (tables.roles or tables.users).estimated_rows
    roles = read_roles(
        role_file,
        role_rows,
        users,
        orgs,
        report,
        progress,
        known_users=Everyone() if delta else frozenset(),
        mappings=mappings,
        estimated=estimated,
    )

    # Saving is one transaction: a page watching the progress sees this stage without a count.
    progress("saving", 0, len(users.rows) + len(roles))
    with transaction.atomic():
        if adopt:
            district.sourced_id = home
            district.save(update_fields=["sourced_id"])
        districts = save_districts(orgs, report, {HOME: district} if home == HOME else None)
        schools = save_schools(orgs, districts, report)
        if delta:
            people = delta_people(users, roles, orgs, report)
            touched = save_delta_people(people, districts, schools, report, progress)
            touched |= {
                districts[org.district_id].pk
                for org in [*orgs.districts.values(), *orgs.schools.values()]
                if org.line
            }
        else:
            people = assign_roles(users, roles, orgs, report)
            listed = set(users.rows) | users.bad_ids
            save_people(people, districts, schools, report, progress, listed)
            touched = {d.pk for d in districts.values()}
        check_order(touched, report)
        if dry_run:
            transaction.set_rollback(True)
    return report
