"""Writing a delta export: only the people and roles it lists change.

Each listed person is looked up by sourcedId (a few queries per batch, never the whole
district), so a delta of 1,000 changes costs the same in a district of 1,000 or 100,000.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils import timezone

from ..models import District, School, User
from .apply import (
    USER_FIELDS,
    batches,
    joined_at,
    new_user,
    roster_language,
    roster_state,
    update_rows,
)
from .reading import USERS
from .rows import Person
from .summary import ImportReport, Progress


def apply_delta_person(
    user: User, person: Person, district: District, now: datetime.datetime
) -> bool:
    """Copy what the delta says of the person onto the user; True when anything changed."""
    values = {}
    if person.role is not None:
        values["role"] = person.role
    if person.title:
        values["title"] = person.title
    if person.row is not None:
        values["name"] = person.row.name
        values |= roster_state(user, person.row.active, now)
        if person.row.email:
            values["email"] = person.row.email
        if person.row.language:
            values["preferred_language"] = person.row.language
            values |= roster_language(user, person.row.language)
    if person.row is not None and (joined := joined_at(person, district)):
        values["date_joined"] = joined
    changed = False
    for name, value in values.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    return changed


def save_delta_people(
    people: list[Person],
    districts: dict[str, District],
    schools: dict[str, School],
    report: ImportReport,
    progress: Progress,
) -> set[int]:
    """Apply the delta's people in file order; the pks of the districts whose people changed."""
    now = timezone.now()
    district_pks = [district.pk for district in districts.values()]
    by_pk = {district.pk: district for district in districts.values()}
    found: dict[str, list[User]] = defaultdict(list)
    for chunk in batches([person.sourced_id for person in people]):
        for user in User.objects.filter(district_id__in=district_pks, sourced_id__in=chunk).only(
            "id", "district_id", *USER_FIELDS
        ):
            found[user.sourced_id].append(user)
    emails = sorted({p.row.email for p in people if p.row and p.row.email})
    owners: dict[str, tuple[int, int | None]] = {}  # email -> (user pk, district pk)
    for chunk in batches(emails):
        for pk, email, district_pk in User.objects.filter(email__in=chunk).values_list(
            "id", "email", "district_id"
        ):
            owners[email.lower()] = (pk, district_pk)

    counts = report.counts["users"]
    created: list[User] = []
    changed: dict[int, User] = {}
    links: list[tuple[User, set[int], set[int]]] = []
    kept: list[User] = []  # fields unchanged; updated only if their schools change
    touched: set[int] = set()
    for person in people:
        matches = found.get(person.sourced_id, [])
        if person.district_id is not None:
            district = districts[person.district_id]
            matches = [user for user in matches if user.district_id == district.pk]
        if len(matches) > 1:
            reason = f"'{person.sourced_id}' is in several districts; list a role to say which"
            report.bad("users", person.file, person.line, reason)
            continue
        user = matches[0] if matches else None
        if user is None and (person.row is None or person.role is None):
            if person.row is not None and not person.row.active:
                counts.unchanged += 1  # leaving, and never imported
                continue
            reason = (
                f"no role for '{person.sourced_id}' in this delta, and nobody of that "
                "sourcedId was imported before"
                if person.row is not None
                else f"unknown user '{person.sourced_id}'"
            )
            report.bad("users" if person.row else "roles", person.file, person.line, reason)
            continue
        district = by_pk[user.district_id] if user else districts[person.district_id]
        email = person.row.email if person.row else None
        owner = owners.get(email) if email else None
        if owner is not None and (user is None or owner[0] != user.pk):
            reason = f"email '{email}' is already used by another person"
            report.bad("users", USERS, person.line, reason)
            continue
        added = {schools[school].pk for school in person.school_ids}
        left = {schools[school].pk for school in person.left_school_ids}
        if user is None:
            user = new_user(person, district)
            created.append(user)
            found[person.sourced_id].append(user)
            counts.created += 1
        else:
            was_active = user.is_active
            if apply_delta_person(user, person, district, now):
                report.deactivated += was_active and not user.is_active
                changed[id(user)] = user
            elif id(user) not in changed:
                kept.append(user)
        if email:
            owners[email] = (user.pk, district.pk) if user.pk else (-id(user), district.pk)
        touched.add(district.pk)
        links.append((user, added, left))

    total, done = len(created) + len(changed), 0
    for batch in batches(created):
        User.objects.bulk_create(batch)
        done += len(batch)
        progress("saving", done, total)
    for batch in batches(list(changed.values())):
        update_rows(User, batch, USER_FIELDS)
        done += len(batch)
        progress("saving", done, total)
    if not total:
        progress("saving", 0, 0)
    moved = save_delta_links(links)
    counts.updated += len(changed)
    still = {user.pk for user in kept if id(user) not in changed}
    counts.updated += len(still & moved)
    counts.unchanged += len(still - moved)
    return touched


def save_delta_links(links: list[tuple[User, set[int], set[int]]]) -> set[int]:
    """Add the schools of the delta's active roles and take away those of its ended ones."""
    through = User.schools.through
    user_pks = [user.pk for user, added, left in links if added or left]
    current: set[tuple[int, int]] = set()
    for chunk in batches(user_pks):
        current.update(
            through.objects.filter(user_id__in=chunk).values_list("user_id", "school_id")
        )
    new_links, stale = [], defaultdict(set)
    moved: set[int] = set()
    for user, added, left in links:
        for school_pk in added:
            if (user.pk, school_pk) not in current:
                new_links.append(through(user_id=user.pk, school_id=school_pk))
                current.add((user.pk, school_pk))
                moved.add(user.pk)
        for school_pk in left:
            if (user.pk, school_pk) in current:
                stale[user.pk].add(school_pk)
                current.discard((user.pk, school_pk))
                moved.add(user.pk)
    through.objects.bulk_create(new_links, batch_size=1000, ignore_conflicts=True)
    for user_pk, school_pks in stale.items():
        through.objects.filter(user_id=user_pk, school_id__in=school_pks).delete()
    return moved
