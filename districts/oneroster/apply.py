"""Writing the checked rows: districts, schools, people and the schools their roles give them.

The database is read once per kind and written in batches.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify

from ..languages import offered_code
from ..models import District, School, User
from .reading import USERS
from .rows import Orgs, Person, guess_level
from .summary import ImportReport, Progress

BATCH_SIZE = 2000
USER_FIELDS = (
    "name",
    "email",
    "role",
    "title",
    "is_active",
    "left_roster_at",
    "date_joined",
    "sourced_id",
    "preferred_language",
    # The roster's preferred language, when offered, is the person's until they choose one.
    "language",
    "language_chosen",
)


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


def save_districts(
    orgs: Orgs, report: ImportReport, given: dict[str, District] | None = None
) -> dict[str, District]:
    """The roster's districts, saved; `given` names districts by key that are taken as they
    are (an upload's own district when it has no sourcedId)."""
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
        if given and org.sourced_id in given:
            saved[org.sourced_id] = given[org.sourced_id]
            continue
        district = by_sourced_id.get(org.sourced_id)
        if org.line == 0 and district is not None:  # known before, not listed by a delta
            saved[org.sourced_id] = district
            continue
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
        if org.line == 0 and school is not None:  # known before, not listed by a delta
            saved[org.sourced_id] = school
            continue
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


def joined_at(person: Person, district: District) -> datetime.datetime | None:
    """The start of the day the person's first role began, in the district's zone."""
    if person.joined is None:
        return None
    return datetime.datetime.combine(
        person.joined, datetime.time.min, tzinfo=ZoneInfo(district.timezone)
    )


def roster_state(user: User, listed_active: bool, now: datetime.datetime) -> dict:
    """Whether the roster keeps the person active.

    Leaving the roster (status tobedeleted, or dropped from users.csv) deactivates and marks
    them as left; coming back undoes exactly that. Someone an administrator deactivated by
    hand (inactive, never marked as left) stays deactivated whatever the roster says.
    """
    if not listed_active:
        if user.is_active or user.left_roster_at is None:
            return {"is_active": False, "left_roster_at": user.left_roster_at or now}
        return {}
    if user.left_roster_at is not None:
        return {"is_active": True, "left_roster_at": None}
    return {}


def roster_language(user: User, preferred: str) -> dict:
    """The roster's preferred language as the person's, unless they chose their own."""
    code = offered_code(preferred)
    return {"language": code} if code and not user.language_chosen else {}


def apply_person(user: User, person: Person, district: District | None = None, now=None) -> bool:
    """Copy the person's values onto the user; True when anything changed.

    An empty email or title in the roster leaves what the user has: the import never takes
    away a login or a title someone typed in.
    """
    values = {
        "name": person.row.name,
        "role": person.role,
        "sourced_id": person.row.sourced_id,
        **roster_state(user, person.row.active, now or timezone.now()),
    }
    if person.row.email:
        values["email"] = person.row.email
    if person.title:
        values["title"] = person.title
    if person.row.language:
        values["preferred_language"] = person.row.language
        values |= roster_language(user, person.row.language)
    if district is not None and (joined := joined_at(person, district)):
        values["date_joined"] = joined
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
        left_roster_at=None if person.row.active else timezone.now(),
        preferred_language=person.row.language,
        language=offered_code(person.row.language),
    )
    if joined := joined_at(person, district):
        user.date_joined = joined
    user.set_unusable_password()
    return user


def save_people(
    people: list[Person],
    districts: dict[str, District],
    schools: dict[str, School],
    report: ImportReport,
    progress: Progress,
    listed: set[str] | None = None,
) -> None:
    """Save the roster's people; with `listed` (every sourcedId in users.csv), deactivate the
    district's rostered people it no longer lists (see `roster_state`)."""
    now = timezone.now()
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
            was_active = user.is_active
            fields_changed = apply_person(user, person, district, now)
            report.deactivated += was_active and not user.is_active
            if fields_changed:
                changed.append(user)
            if fields_changed or links[user.pk].keys() != school_pks:
                counts.updated += 1
            else:
                counts.unchanged += 1
        wanted.append((user, school_pks))

    if listed is not None:
        changed += dropped(existing, listed, districts, report, now)
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


def dropped(
    existing: list[User],
    listed: set[str],
    districts: dict[str, District],
    report: ImportReport,
    now: datetime.datetime,
) -> list[User]:
    """The rostered people of the imported districts that users.csv no longer lists, now
    deactivated and marked as left. A district the file lists nobody for is left alone: an
    export that lost its users must not lock a whole district out."""
    counted = {district.pk for district in districts.values()}
    with_people = {u.district_id for u in existing if u.sourced_id in listed}
    gone = []
    for user in existing:
        if not user.sourced_id or user.sourced_id in listed:
            continue
        if user.district_id not in with_people:
            continue
        state = roster_state(user, False, now)
        if state:
            for name, value in state.items():
                setattr(user, name, value)
            gone.append(user)
    for pk in counted - with_people:
        if any(u.district_id == pk and u.sourced_id for u in existing):
            name = next(d.name for d in districts.values() if d.pk == pk)
            report.notes.append(
                f"users.csv lists nobody in '{name}': its people were left as they were."
            )
    report.left = len(gone)
    return gone


def update_rows(model: type[Model], objects: list[Model], fields: Iterable[str]) -> None:
    """Write the fields of saved objects with one UPDATE ... FROM (VALUES ...) per batch.

    QuerySet.bulk_update builds a CASE per field and row; at 100,000 rows that takes minutes.
    Both PostgreSQL and SQLite name the columns of a VALUES list column1, column2, ...
    """
    columns = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)

    def value(number: int, column) -> str:
        # PostgreSQL types a VALUES column from its values and takes a column of NULLs for
        # text, so each is cast to its field's type there; SQLite would turn a cast date
        # into a number, and needs none.
        if connection.vendor == "postgresql":
            return f"CAST(v.column{number} AS {column.db_type(connection)})"
        return f"v.column{number}"

    assignments = ", ".join(
        f"{quote(column.column)} = {value(number, column)}"
        for number, column in enumerate(columns, 2)
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
