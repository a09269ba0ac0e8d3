"""Time `import_oneroster` of a generated OneRoster roster: 100,000 users by default.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rt_import .venv/bin/python bench/import_roster.py [--users N]

Use a scratch database: the script migrates it, writes the roster (one district, 200 schools,
teachers, staff and students with a role each) under var/bench-roster/, imports it twice
(the second run finds everything unchanged), then applies a delta export of 1,000 changes
(renamed people, people leaving, teachers moved to another school) and prints the seconds of
each run.
"""

import argparse
import csv
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

MANIFEST = {"manifest.version": "1.0", "oneroster.version": "1.2", "file.orgs": "bulk"}
MANIFEST |= {"file.users": "bulk", "file.roles": "bulk"}
ROLES = ["teacher"] * 6 + ["student"] * 3 + ["aide"]


def write(path: Path, columns: list[str], rows) -> None:
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, columns, restval="")
        writer.writeheader()
        writer.writerows(rows)


def write_roster(folder: Path, users: int, schools: int = 200) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write(
        folder / "manifest.csv",
        ["propertyName", "value"],
        ({"propertyName": k, "value": v} for k, v in MANIFEST.items()),
    )
    orgs = [{"sourcedId": "d1", "name": "Bench Unified", "type": "district"}]
    orgs += [
        {
            "sourcedId": f"s{i}",
            "name": f"Bench School {i}",
            "type": "school",
            "parentSourcedId": "d1",
        }
        for i in range(schools)
    ]
    write(folder / "orgs.csv", ["sourcedId", "name", "type", "parentSourcedId"], orgs)
    write(
        folder / "users.csv",
        ["sourcedId", "enabledUser", "givenName", "familyName", "email"],
        (
            {
                "sourcedId": f"u{i}",
                "enabledUser": "true",
                "givenName": f"Given{i}",
                "familyName": f"Family{i % 997}",
                "email": f"person{i}@bench-import.example",
            }
            for i in range(users)
        ),
    )
    write(
        folder / "roles.csv",
        ["sourcedId", "roleType", "userSourcedId", "orgSourcedId", "role"],
        (
            {
                "sourcedId": f"r{i}",
                "roleType": "primary",
                "userSourcedId": f"u{i}",
                "orgSourcedId": f"s{i % schools}",
                "role": ROLES[i % len(ROLES)],
            }
            for i in range(users)
        ),
    )


def write_delta(folder: Path, users: int, changes: int = 1000, schools: int = 200) -> None:
    """A delta of `changes` people: 40% renamed, 30% leaving, 30% moved to the next school."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = MANIFEST | {"file.orgs": "absent", "file.users": "delta", "file.roles": "delta"}
    write(
        folder / "manifest.csv",
        ["propertyName", "value"],
        ({"propertyName": k, "value": v} for k, v in manifest.items()),
    )
    write(folder / "orgs.csv", ["sourcedId", "name", "type", "parentSourcedId"], [])
    step = max(users // changes, 1)
    picked = [i * step for i in range(min(changes, users))]
    renamed, leaving = (
        picked[: len(picked) * 4 // 10],
        picked[len(picked) * 4 // 10 :][: len(picked) * 3 // 10],
    )
    moved = picked[len(renamed) + len(leaving) :]
    at = "2030-01-01T00:00:00Z"
    write(
        folder / "users.csv",
        ["sourcedId", "status", "dateLastModified", "givenName", "familyName", "email"],
        [
            {
                "sourcedId": f"u{i}",
                "status": "tobedeleted" if i in leaving else "active",
                "dateLastModified": at,
                "givenName": f"Renamed{i}",
                "familyName": f"Family{i % 997}",
                "email": f"person{i}@bench-import.example",
            }
            for i in renamed + leaving
        ],
    )
    roles = []
    for i in moved:
        old, new = i % schools, (i + 1) % schools
        roles.append(
            {
                "sourcedId": f"r{i}",
                "status": "tobedeleted",
                "dateLastModified": at,
                "roleType": "primary",
                "userSourcedId": f"u{i}",
                "orgSourcedId": f"s{old}",
                "role": ROLES[i % len(ROLES)],
            }
        )
        roles.append(
            {
                "sourcedId": f"r{i}-moved",
                "status": "active",
                "dateLastModified": at,
                "roleType": "primary",
                "userSourcedId": f"u{i}",
                "orgSourcedId": f"s{new}",
                "role": ROLES[i % len(ROLES)],
            }
        )
    write(
        folder / "roles.csv",
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "roleType",
            "userSourcedId",
            "orgSourcedId",
            "role",
        ],
        roles,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=100_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    folder = ROOT / "var" / "bench-roster"
    write_roster(folder, args.users)
    for label in ("first import", "second import (nothing changed)"):
        start = time.perf_counter()
        call_command("import_oneroster", str(folder), verbosity=0)
        print(f"{label}: {args.users:,} users in {time.perf_counter() - start:.1f} s")
    delta = ROOT / "var" / "bench-roster-delta"
    write_delta(delta, args.users)
    start = time.perf_counter()
    call_command("import_oneroster", str(delta), verbosity=0)
    print(f"delta of 1,000 changes in {args.users:,} users: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
