"""What the sequence tests assume about the decision pages, in one place (issue 21).

The process engine may rename a label or move a form; adjust it here and every test that
walks the pages (the state machine, the differential run, the regressions) follows.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse

from districts.models import District, LeadershipTeam, Role, School, TeamMembership, User

PASSWORD = "a-long-test-password"
ZONE = "America/Chicago"
# Monday Dec 7, 2026, 10:00 in Cedar Valley: every sequence starts here, the clock stopped.
START = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo(ZONE))

# ----- URLs and form fields


def url(name: str, *args) -> str:
    return reverse(f"decisions:{name}", args=args)


def local(moment: datetime.datetime) -> str:
    """A time as a datetime-local field holds it, in the district's time zone."""
    return moment.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")


EDIT_FIELDS = [
    "title",
    "context",
    "domain",
    "school",
    "owning_team",
    "process_type",
    "decider",
    "decider_bounds",
    "quorum",
    "secret_ballot",
    "visibility",
    "input_opens",
    "input_closes",
    "decide_by",
    "options",
    "impact_students",
    "budget_amount",
    "staff_time",
    "review_on",
]


def create_data(
    *, cast: Cast, process: str, now: datetime.datetime, secret: bool = True, title: str = ""
) -> dict:
    """The guided form's answers, saved in one go, as its last step posts them."""
    named = process in ("advice", "delegated")
    data = {
        "save": "1",
        "title": title or f"Proposal ({process})",
        "context": "What needs deciding and why now.",
        "domain": "schedule",
        "school": cast.school.pk,
        "owning_team": cast.team.pk,
        "process_type": process,
        "decider": cast.decider.pk if named else "",
        "decider_bounds": "Only the bell times." if process == "delegated" else "",
        "quorum": "",
        "visibility": "district",
        "input_opens": local(now),
        "input_closes": local(now + datetime.timedelta(days=3)),
        "decide_by": "",
        "options": "Tuesday\nThursday\nFriday" if process == "vote" else "",
        "impact_students": "",
        "budget_amount": "",
        "staff_time": "",
        "review_on": "",
    }
    if secret:
        data["secret_ballot"] = "on"
    return data


def edit_data(decision, **changes) -> dict:
    """The edit form posted back as the page filled it, with `changes` typed over it."""
    data = {"save": "1"}
    for name in EDIT_FIELDS:
        value = getattr(
            decision, f"{name}_id" if name in ("school", "owning_team", "decider") else name
        )
        if isinstance(value, datetime.datetime):
            value = local(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = "" if value is None else value
    data.update(changes)
    # A checkbox left unticked is not posted at all.
    if data.pop("secret_ballot") in (True, "on"):
        data["secret_ballot"] = "on"
    return data


TEACHERS_CONSULTED = {"involvement": "consulted", "kind": "role", "role": "teacher"}

# ----- labels the pages show

OPEN_STATUS = "Open for input"
DECIDING_STATUS = "Deciding"
CLOSES_IN = ("closes in", "Input closes in")
WAITING = ("Waiting for your input",)
MOVED_AROUND = {
    "objection": "Decided after moving the process around a standing objection",
    "block": "Decided after moving the process around a standing block",
}
# Buttons and forms that take a decision on (what "someone can act" looks for).
DECIDE_LINK = "Record the decision"
WAYS_OUT = (
    "Resolve it",
    "Withdraw my objection",
    "Lift my block",
    "Save the answer",
    "Change the process",
    "Open for input",
    "Close input now",
    "Close the vote now",
)


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def status_shown(body: str) -> str:
    found = re.search(r'<span class="status status-[\w-]*">([^<]*)</span>', body)
    return text_of(found.group(1)) if found else ""


def integrity_section(body: str) -> str:
    found = re.search(r'<section class="card integrity".*?</section>', body, re.S)
    return text_of(found.group(0)) if found else ""


def tally_shown(body: str) -> str:
    found = re.search(r'<table class="tally">.*?</table>', body, re.S)
    return text_of(found.group(0)) if found else ""


def took_part_shown(body: str) -> str:
    found = re.search(r"Who took part \((\d+)\)</h3>\s*<p[^>]*>([^<]*)</p>", body)
    return f"{found.group(1)}: {text_of(found.group(2))}" if found else ""


def ballots_line(body: str) -> str:
    found = re.search(r"<dt>Ballots</dt><dd>(.*?)</dd>", body, re.S)
    return text_of(found.group(1)).split(".")[0] if found else ""


def ballots_cast(body: str) -> int:
    found = re.search(r"(\d+) ballots? cast so far", body) or re.search(
        r"Who took part \((\d+)\)", body
    )
    return int(found.group(1)) if found else 0


def guide_when(body: str) -> str:
    found = re.search(r"<dt>When you can give input</dt><dd>(.*?)</dd>", body, re.S)
    return text_of(found.group(1)) if found else ""


def closed_on(body: str, zone: str = ZONE) -> datetime.datetime | None:
    """The time "Input closed on …" names, if the page says it."""
    found = re.search(r"Input closed on ([A-Z][a-z]{2} \d{1,2}, \d{4} \d\d:\d\d)", body)
    if not found:
        return None
    return datetime.datetime.strptime(found.group(1), "%b %d, %Y %H:%M").replace(
        tzinfo=ZoneInfo(zone)
    )


def list_row(body: str, decision_pk: int) -> str:
    """The text of one decision's row in a list page ("" when it is not listed)."""
    href = f'href="{url("detail", decision_pk)}"'
    for row in re.findall(
        r'<li class="decision-row">.*?</li>\s*(?=<li class="decision-row">|</ul>)', body, re.S
    ):
        if href in row:
            return text_of(row)
    return ""


def csv_row(content: bytes, number: str) -> dict:
    rows = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    return next((row for row in rows if row["number"] == number), {})


def offers(body: str, label: str) -> bool:
    return label in body


def may_record(body: str, decision_pk: int) -> bool:
    return f'href="{url("decide", decision_pk)}"' in body


def normalised(body: str) -> str:
    """A page with what differs between two identical runs taken out: tokens, ids, times."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]*"', "", body)
    body = re.sub(r'nonce="[^"]*"', "", body)
    body = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID", body)
    body = re.sub(r"/\d+/", "/N/", body)
    body = re.sub(r"\b[A-Z][a-z]{2} \d{1,2}, \d{4}( \d\d:\d\d)?", "DATE", body)
    return body


def without_tally(body: str) -> str:
    return re.sub(r'<table class="tally">.*?</table>', "", body, flags=re.S)


# ----- the people


@dataclass
class Cast:
    """Five teachers, a principal, a facilitator on the owning team, the superintendent, and a
    named decider who is on no team, each signed in with their own browser."""

    district: District
    school: School
    team: LeadershipTeam
    teachers: list[User]
    principal: User
    facilitator: User
    superintendent: User
    decider: User
    clients: dict[int, Client] = field(default_factory=dict)

    @property
    def everyone(self) -> list[User]:
        return [*self.teachers, self.principal, self.facilitator, self.superintendent, self.decider]

    def client(self, person: User) -> Client:
        if person.pk not in self.clients:
            client = Client()
            client.force_login(person)
            self.clients[person.pk] = client
        return self.clients[person.pk]

    def sign_in_everyone(self) -> None:
        for person in self.everyone:
            self.client(person)


def make_cast() -> Cast:
    district = District.objects.create(name="Cedar Valley", slug="cedar-valley", timezone=ZONE)
    school = School.objects.create(
        district=district, name="Alder Creek Elementary", level="elementary"
    )

    def person(role, name, email):
        user = User.objects.create_user(
            email=email, password=PASSWORD, district=district, name=name, role=role
        )
        user.schools.set([school])
        return user

    teachers = [
        person(Role.TEACHER, name, f"{name.split()[0].lower()}@cedar.example")
        for name in ("Ana Ruiz", "Ben Cho", "Cleo Adams", "Dev Patel", "Eva Novak")
    ]
    principal = person(Role.PRINCIPAL, "Bob Lindqvist", "bob@cedar.example")
    facilitator = person(Role.TEACHER_LEADER, "Fay Morgan", "fay@cedar.example")
    superintendent = person(Role.SUPERINTENDENT, "Alice Okafor", "alice@cedar.example")
    decider = person(Role.TEACHER_LEADER, "Noor Haddad", "noor@cedar.example")
    team = LeadershipTeam.objects.create(district=district, name="Schedule team", purpose="Bells")
    TeamMembership.objects.create(team=team, user=facilitator, team_role="lead")
    return Cast(district, school, team, teachers, principal, facilitator, superintendent, decider)
