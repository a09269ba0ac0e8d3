"""The new parts of a process must not single out an anonymous author or a secret ballot.

Each test plays worlds that differ only in who wrote the anonymous input (or who chose what
in a secret vote) and compares what the deciders, the other staff, the reminders and the
notices show. The rule: who has responded is read from named input only; anonymous input
counts toward the decision's total only; a secret ballot is written apart from the list of
who took part, and the tally stays hidden until the close.
"""

import datetime

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from decisions import services
from decisions.models import Ballot, Involvement, Stakeholder, Turnout
from decisions.notices import dispatch_due
from notifications.models import Notification
from tests.decisions.test_anonymity_attacks import normalized, restart_sequences

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 6, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def colleagues(make_person_in, district, school):
    return [
        make_person_in(district, "teacher", name, f"{name.lower()}@cedar.example", [school])
        for name in ("Ana", "Ben", "Cy")
    ]


@pytest.fixture
def world(district, team, superintendent, principal, school, colleagues, client):
    def run(process, steps, *, watchers) -> dict:
        seen = {}
        with time_machine.travel(NOW, tick=False), transaction.atomic():
            restart_sequences()
            decision = services.decision_create(
                district=district,
                by=superintendent,
                title="A new bell schedule",
                context="Longer blocks.",
                domain="schedule",
                owning_team=team,
                process_type=process,
                options="Tuesday\nThursday",
                input_opens=timezone.now() - datetime.timedelta(days=1),
                input_closes=timezone.now() + datetime.timedelta(hours=40),
                stakeholders=[
                    {
                        "kind": Stakeholder.Kind.ROLE,
                        "role": "teacher",
                        "school": school,
                        "involvement": Involvement.CONSULTED,
                    }
                ],
            )
            services.decision_open_input(decision=decision, by=superintendent)
            steps(decision)

            def look(step):
                for name, person in watchers.items():
                    client.force_login(person)
                    body = client.get(decision.get_absolute_url()).content.decode()
                    seen[f"{step}: {name}"] = normalized(body)
                seen[f"{step}: notices"] = sorted(
                    Notification.objects.values_list("recipient__name", "kind", "subject", "body")
                )

            look("open")
            dispatch_due()  # reminders: the window closes within 48 hours
            look("reminded")
            decision.close_input(by=superintendent)
            look("closed")
            seen["ballots"] = sorted(Ballot.objects.values_list("option", "voter_id"))
            seen["turnout"] = sorted(Turnout.objects.values_list("person__name", flat=True))
            transaction.set_rollback(True)
        return seen

    return run


def assert_same(worlds: list[dict]):
    first = worlds[0]
    for other in worlds[1:]:
        assert first.keys() == other.keys()
        for key in first:
            assert first[key] == other[key], f"{key} tells the worlds apart"


def test_tracking_and_reminders_tell_nothing_of_an_anonymous_author(
    world, colleagues, superintendent, principal
):
    def wrote(author):
        def steps(decision):
            services.input_give(decision=decision, by=colleagues[2], kind="idea", text="Named.")
            services.input_give(
                decision=decision, by=author, kind="concern", text="Secret.", anonymous=True
            )

        return steps

    watchers = {"decider": superintendent, "principal": principal, "named colleague": colleagues[2]}
    worlds = [world("consent", wrote(author), watchers=watchers) for author in colleagues[:2]]
    assert_same(worlds)
    reminded = {
        name for name, kind, *_ in worlds[0]["reminded: notices"] if kind.endswith("closing_soon")
    }
    # Both possible authors were reminded: the reminder list does not leave the writer out.
    assert {colleagues[0].name, colleagues[1].name} <= reminded
    assert colleagues[2].name not in reminded


def test_answering_anonymous_input_notifies_nobody_in_any_world(world, colleagues, superintendent):
    def wrote(author):
        def steps(decision):
            entry = services.input_give(
                decision=decision, by=author, kind="concern", text="Secret.", anonymous=True
            )
            services.input_respond(
                entry=entry, by=superintendent, response="Heard.", changed_decision=True
            )

        return steps

    watchers = {"decider": superintendent}
    worlds = [world("consent", wrote(author), watchers=watchers) for author in colleagues[:2]]
    assert_same(worlds)
    assert not [n for n in worlds[0]["closed: notices"] if n[1] == "decisions.loopback"]


def test_a_secret_vote_shows_the_same_to_everyone_whoever_chose_what(
    world, colleagues, superintendent, principal
):
    def voted(choices):
        def steps(decision):
            for person, option in zip(colleagues, choices, strict=True):
                services.vote_cast(decision=decision, by=person, option=option)

        return steps

    watchers = {"decider": superintendent, "principal": principal, "voter": colleagues[0]}
    worlds = [
        world("vote", voted(choices), watchers=watchers)
        for choices in (
            ["Tuesday", "Thursday", "Thursday"],
            ["Thursday", "Tuesday", "Thursday"],
            ["Thursday", "Thursday", "Tuesday"],
        )
    ]
    assert_same(worlds)
    assert worlds[0]["turnout"] == sorted(p.name for p in colleagues)
    assert "Tuesday</td><td>1<" in worlds[0]["closed: decider"]
