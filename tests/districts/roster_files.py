"""OneRoster CSV folders written for the import tests."""

import csv
from io import StringIO
from pathlib import Path

from django.core.management import call_command

MANIFEST = {
    "manifest.version": "1.0",
    "oneroster.version": "1.2",
    "file.academicSessions": "absent",
    "file.classes": "absent",
    "file.orgs": "bulk",
    "file.users": "bulk",
    "file.roles": "bulk",
}
ORG_COLUMNS = ["sourcedId", "status", "dateLastModified", "name", "type", "identifier"]
ORG_COLUMNS += ["parentSourcedId"]
USER_COLUMNS = [
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
    "userMasterIdentifier",
    "resourceSourcedIds",
    "preferredGivenName",
    "preferredMiddleName",
    "preferredFamilyName",
    "primaryOrgSourcedId",
    "pronouns",
    "metadata.title",
]
ROLE_COLUMNS = ["sourcedId", "status", "dateLastModified", "roleType", "userSourcedId"]
ROLE_COLUMNS += ["orgSourcedId", "role", "beginDate", "endDate"]


def org(sourced_id: str, name: str, type: str, parent: str = "") -> dict:
    return {"sourcedId": sourced_id, "name": name, "type": type, "parentSourcedId": parent}


def user(sourced_id: str, given: str, family: str, **extra) -> dict:
    row = {"sourcedId": sourced_id, "givenName": given, "familyName": family, "enabledUser": "true"}
    row.setdefault("email", f"{given}.{family}@maple.example".lower())
    return row | extra


def role(user_id: str, org_id: str, name: str, role_type: str = "primary", **extra) -> dict:
    return {
        "sourcedId": f"r-{user_id}-{org_id}-{name}",
        "userSourcedId": user_id,
        "orgSourcedId": org_id,
        "role": name,
        "roleType": role_type,
        "beginDate": "2025-08-15",
    } | extra


ORGS = [
    org("d1", "Maple Valley Schools", "district"),
    org("s1", "Maple Elementary", "school", "d1"),
    org("s2", "Valley High School", "school", "d1"),
]
USERS = [
    user("sup", "Ana", "Ruiz", **{"metadata.title": "Superintendent"}),
    user("dl", "Ben", "Okafor"),
    user("pr", "Cleo", "Marsh"),
    user("t1", "Dev", "Patel", email="Dev.Patel@Maple.Example", password="hunter2"),
    user("cook", "Eli", "Stone", email=""),
    user("st1", "Fay", "Nguyen", preferredGivenName="Fifi", grades="04"),
    user("pa1", "Gus", "Nguyen"),
]
ROLES = [
    role("sup", "d1", "districtAdministrator"),
    role("dl", "d1", "administrator"),
    role("pr", "s1", "administrator"),
    role("t1", "s1", "teacher"),
    role("t1", "s2", "teacher", role_type="secondary"),
    role("cook", "s1", "ext:cook"),
    role("st1", "s1", "student"),
    role("pa1", "s1", "guardian"),
]


def write_csv(path: Path, columns: list[str], rows: list[dict], encoding: str = "utf-8") -> None:
    with path.open("w", newline="", encoding=encoding) as file:
        writer = csv.DictWriter(file, columns, restval="", extrasaction="raise")
        writer.writeheader()
        writer.writerows(rows)


def write_roster(folder: Path, *, orgs=ORGS, users=USERS, roles=ROLES, manifest=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    properties = [{"propertyName": k, "value": v} for k, v in (manifest or MANIFEST).items()]
    write_csv(folder / "manifest.csv", ["propertyName", "value"], properties)
    write_csv(folder / "orgs.csv", ORG_COLUMNS, orgs)
    write_csv(folder / "users.csv", USER_COLUMNS, users)
    write_csv(folder / "roles.csv", ROLE_COLUMNS, roles)
    return folder


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_oneroster", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def summary(out: str, kind: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(f"{kind}:"))


# OneRoster 1.1: no roles.csv; users.csv holds each person's role and orgs.
MANIFEST_1_1 = MANIFEST | {"oneroster.version": "1.1"}
del MANIFEST_1_1["file.roles"]
USER_COLUMNS_1_1 = [
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
]
USERS_1_1 = [
    user("sup", "Ana", "Ruiz", orgSourcedIds="d1", role="administrator"),
    user("pr", "Cleo", "Marsh", orgSourcedIds="s1", role="administrator"),
    user("t1", "Dev", "Patel", orgSourcedIds="s1,s2", role="teacher"),
    user("st1", "Fay", "Nguyen", orgSourcedIds="s1", role="student"),
    user("pa1", "Gus", "Nguyen", orgSourcedIds="s1", role="guardian"),
    user("ai1", "Hana", "Berg", orgSourcedIds="s2", role="aide"),
]


def write_roster_1_1(folder: Path, *, orgs=ORGS, users=USERS_1_1, manifest=MANIFEST_1_1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if manifest is not None:
        properties = [{"propertyName": k, "value": v} for k, v in manifest.items()]
        write_csv(folder / "manifest.csv", ["propertyName", "value"], properties)
    write_csv(folder / "orgs.csv", ORG_COLUMNS, orgs)
    write_csv(folder / "users.csv", USER_COLUMNS_1_1, users)
    return folder


def delta_manifest(manifest=MANIFEST, **modes) -> dict:
    """A manifest whose files are deltas (or as `modes` say, e.g. orgs="absent")."""
    files = {
        key: "delta" for key in manifest if key.startswith("file.") and manifest[key] != "absent"
    }
    return manifest | files | {f"file.{kind}": mode for kind, mode in modes.items()}
