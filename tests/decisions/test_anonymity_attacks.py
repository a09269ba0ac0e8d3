"""Attacks on anonymous input through the integrity flags, played as sequences.

A teacher gives anonymous input; the window closes; the decider then adds, removes and
re-adds consulted stakeholders (small groups, overlapping groups, single people) hoping the
"consulted but not heard" flags point at the writer. Each sequence is played in worlds that
differ only in who wrote the anonymous input: a teacher at Alder Creek, a teacher at Birch
Hill, or someone in none of the groups. Everything anyone can read (the flags, the stored
flags, every page for every role, the exports, the admin) must be the same in each world.
"""

import datetime
import re

import pytest
import time_machine
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from decisions import services
from decisions.integrity import integrity_flags
from decisions.models import Decision, Involvement, Stakeholder, Visibility
from districts.models import LeadershipTeam, School, TeamMembership

pytestmark = pytest.mark.django_db

SECRET = "The schedule change leaves my class without a planning period"
NOW = datetime.datetime(2026, 10, 6, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def birch(district) -> School:
    return School.objects.create(district=district, name="Birch Hill Middle", level="middle")


@pytest.fixture
def teacher_b(make_person_in, district, birch):
    return make_person_in(district, "teacher", "Frances Birch", "frances@cedar.example", [birch])


@pytest.fixture
def bystander(make_person_in, district):
    """Staff at no school and in no team: in none of the groups the decider adds."""
    return make_person_in(district, "district_leader", "Gus Elsewhere", "gus@cedar.example")


@pytest.fixture
def roster(make_person_in, district, school, birch):
    """People who cannot sign in still count in a group: Birch Hill has three teachers."""
    return [
        make_person_in(district, "teacher", "Hana Roster", None, [birch]),
        make_person_in(district, "teacher", "Ivo Roster", None, [birch]),
        make_person_in(district, "teacher", "Jo Roster", None, [school]),
    ]


@pytest.fixture
def overlap_team(district, teacher, teacher_b, roster) -> LeadershipTeam:
    """A team across both schools: with the school groups, it narrows who is who."""
    team = LeadershipTeam.objects.create(district=district, name="Schedule working group")
    for person in (teacher, teacher_b, roster[0]):
        TeamMembership.objects.create(team=team, user=person, team_role="member")
    return team


_NOISE = [
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"[0-9a-f]{32}"), "<uuid>"),
    (re.compile(r"[A-Za-z0-9]{64}"), "<token>"),
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
]


def normalized(text: str) -> str:
    for pattern, placeholder in _NOISE:
        text = pattern.sub(placeholder, text)
    return text


def restart_sequences():
    """Ids count from the same place in each world (PostgreSQL does not roll sequences back)."""
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class World:
    """One play of the sequence; `seen` holds everything readable after each step."""

    def __init__(self, *, client, people, admin_user, decision):
        self.client = client
        self.people = people
        self.admin_user = admin_user
        self.decision = decision
        self.seen: dict[str, object] = {}

    def as_(self, user):
        self.client.force_login(user)
        return self.client

    def add(self, involvement=Involvement.CONSULTED, **fields):
        data = {"involvement": involvement, "person": "", "team": "", "school": "", "role": ""}
        data.update({key: getattr(value, "pk", value) for key, value in fields.items()})
        response = self.as_(self.people["decider"]).post(
            reverse("decisions:stakeholder_add", args=[self.decision.pk]), data
        )
        assert response.status_code == 302

    def remove(self, **match):
        stakeholder = self.decision.stakeholders.get(involvement=Involvement.CONSULTED, **match)
        response = self.as_(self.people["decider"]).post(
            reverse("decisions:stakeholder_remove", args=[self.decision.pk, stakeholder.pk])
        )
        assert response.status_code == 302

    def look(self, step: str, *, admin: bool = False):
        decision = Decision.objects.get(pk=self.decision.pk)
        self.seen[f"{step}: flags"] = [(f.code, f.message) for f in integrity_flags(decision)]
        self.seen[f"{step}: stored flags"] = decision.flag_codes
        self.seen[f"{step}: stakeholders"] = [str(s) for s in decision.stakeholders.all()]
        pages = [
            decision.get_absolute_url(),
            reverse("decisions:input_page", args=[decision.pk]),
            reverse("decisions:input_csv", args=[decision.pk]),
            reverse("decisions:list"),
            reverse("decisions:flagged"),
            reverse("decisions:export"),
            reverse("decisions:affects_me"),
            reverse("home"),
        ]
        for role, person in self.people.items():
            client = self.as_(person)
            for url in pages:
                response = client.get(url)
                self.seen[f"{step}: {role} {url}"] = (
                    response.status_code,
                    normalized(response.content.decode()),
                )
        if admin:
            client = self.as_(self.admin_user)
            for url in (
                reverse("admin:decisions_decision_change", args=[decision.pk]),
                reverse("admin:decisions_decision_changelist"),
                reverse("admin:decisions_input_changelist"),
                reverse("admin:decisions_decisionevent_changelist"),
            ):
                response = client.get(url)
                self.seen[f"{step}: admin {url}"] = (
                    response.status_code,
                    normalized(response.content.decode()),
                )


@pytest.fixture
def play(
    client,
    district,
    school,
    birch,
    team,
    superintendent,
    principal,
    teacher,
    teacher_b,
    bystander,
    roster,
    overlap_team,
    admin_user,
):
    """Play `sequence` in a world where `writer` gave the anonymous input; then undo it all."""
    people = {
        "decider": superintendent,
        "steward": principal,
        "teacher at Alder Creek": teacher,
        "teacher at Birch Hill": teacher_b,
        "bystander": bystander,
    }
    groups = {
        "school": school,
        "birch": birch,
        "team": overlap_team,
        "teacher": teacher,
        "teacher_b": teacher_b,
    }

    def run(writer, sequence) -> dict:
        with time_machine.travel(NOW, tick=False), transaction.atomic():
            restart_sequences()
            decision = services.decision_create(
                district=district,
                by=superintendent,
                title="A new bell schedule",
                context="Longer blocks, fewer passing periods.",
                domain="schedule",
                process_type="consent",
                owning_team=team,
                visibility=Visibility.DISTRICT,
                input_opens=timezone.now() - datetime.timedelta(days=1),
                input_closes=timezone.now() + datetime.timedelta(days=5),
                stakeholders=[
                    {"kind": Stakeholder.Kind.DISTRICT, "involvement": Involvement.AFFECTED}
                ],
            )
            services.decision_open_input(decision=decision, by=superintendent)
            services.input_give(
                decision=decision, by=principal, kind="support", text="Worth a try."
            )
            if writer is not None:
                services.input_give(
                    decision=decision,
                    by=people[writer],
                    kind="concern",
                    text=SECRET,
                    anonymous=True,
                )
            else:  # somebody in none of the groups wrote it
                services.input_give(
                    decision=decision, by=bystander, kind="concern", text=SECRET, anonymous=True
                )
            world = World(client=client, people=people, admin_user=admin_user, decision=decision)
            response = world.as_(superintendent).post(
                reverse("decisions:move", args=[decision.pk]), {"action": "close_input"}
            )
            assert response.status_code == 302
            sequence(world, groups)
            transaction.set_rollback(True)
        return world.seen

    return run


def assert_same_worlds(play, sequence):
    by_a = play("teacher at Alder Creek", sequence)
    by_b = play("teacher at Birch Hill", sequence)
    by_nobody = play(None, sequence)
    assert by_a.keys() == by_b.keys() == by_nobody.keys()
    for key in by_a:
        assert by_a[key] == by_b[key], f"{key} tells an Alder Creek writer from a Birch Hill one"
        assert by_a[key] == by_nobody[key], f"{key} tells a writer in the groups from one outside"


def consult_small_and_overlapping_groups(world, groups):
    world.add(kind="role", role="teacher", school=groups["school"])  # one teacher who signs in
    world.add(kind="role", role="teacher", school=groups["birch"])  # three, two on the roster
    world.add(kind="person", person=groups["teacher"])
    world.add(kind="person", person=groups["teacher_b"])
    world.add(kind="school", school=groups["school"])
    world.add(kind="team", team=groups["team"])  # overlaps both schools
    world.add(kind="role", role="teacher")  # every teacher in the district
    world.look("after adding groups", admin=True)


def test_adding_consulted_groups_after_the_window_closes_tells_nothing_of_the_writer(play):
    assert_same_worlds(play, consult_small_and_overlapping_groups)


def test_removing_and_re_adding_stakeholders_tells_nothing_of_the_writer(play):
    def sequence(world, groups):
        world.add(kind="role", role="teacher", school=groups["birch"])
        world.look("one group")
        world.add(kind="role", role="teacher", school=groups["school"])
        world.remove(kind="role", school=groups["birch"])
        world.look("swapped for the other school")
        world.add(kind="person", person=groups["teacher"])
        world.remove(kind="role", school=groups["school"])
        world.look("swapped for one person")
        world.remove(kind="person", person=groups["teacher"])
        world.add(kind="role", role="teacher", school=groups["birch"])
        world.add(kind="team", team=groups["team"])
        world.look("re-added with an overlapping team", admin=True)

    assert_same_worlds(play, sequence)


def test_deciding_after_consulting_the_groups_tells_nothing_of_the_writer(play):
    def sequence(world, groups):
        consult_small_and_overlapping_groups(world, groups)
        services.decision_decide(
            decision=world.decision,
            by=world.people["decider"],
            outcome="Longer blocks from January.",
            rationale="Teachers asked for time to go deeper.",
        )
        world.look("decided", admin=True)

    assert_same_worlds(play, sequence)


def test_the_flag_says_anonymous_input_counts_toward_no_group(play):
    def sequence(world, groups):
        world.add(kind="role", role="teacher", school=groups["birch"])
        world.look("consulted")

    seen = play("teacher at Birch Hill", sequence)
    messages = [message for code, message in seen["consulted: flags"]]
    assert any("Teachers at Birch Hill Middle" in m for m in messages)
    assert all("no named input" in m for m in messages)
    assert all("Anonymous input counts toward the decision's total" in m for m in messages)
