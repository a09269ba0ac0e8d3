"""Sequences of actions through the pages, explored by Hypothesis (issue 21).

Each rule is something a person does on the decision pages, signed in as a persona of any
role (five teachers, a principal, the facilitator on the owning team, the superintendent,
and a named decider on no team). After every step the invariants read what the pages show
each role, not only the database, and check the rules the process engine keeps:

- secrecy only grows,
- someone can always act,
- no quiet bypass,
- time comes from the clock,
- flags are always current.

`make test` runs a fixed seed and a few short sequences; `HYPOTHESIS_PROFILE=long` runs
thousands (CI, on PostgreSQL). A sequence that ever breaks a rule becomes a plain test in
test_process_regressions.py. Labels, URLs and fields the tests assume live in sequences.py.
"""

from __future__ import annotations

import datetime
import os
import re

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from decisions.choices import DECIDED_STATUSES, KINDS_FOR_PROCESS
from decisions.integrity import integrity_flags
from decisions.models import Decision, DecisionRight, Input, Stakeholder
from tests.decisions import sequences as pages

pytestmark = pytest.mark.django_db

# ----- how long to explore

PROFILES = {
    # `make test`: the same few sequences every run, well under a minute on SQLite.
    "default": settings(
        derandomize=True,
        max_examples=10,
        stateful_step_count=25,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        # A failing sequence is printed as found: shrinking it takes minutes of page loads.
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
        print_blob=False,
    ),
    # CI on PostgreSQL: 60 sequences of 25 steps plus 8 differential runs, about ten minutes
    # on two cores. A fixed seed, so what CI explores was explored before it landed; for new
    # ground, LONG_RANDOM=1 and SEQUENCES=1000.
    "long": settings(
        derandomize=os.environ.get("LONG_RANDOM") != "1",
        max_examples=int(os.environ.get("SEQUENCES", "60")),
        stateful_step_count=25,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    ),
}
PROFILE = PROFILES[os.environ.get("HYPOTHESIS_PROFILE", "default")]


def _decision_in(path: str) -> int | None:
    found = re.match(r"/decisions/(\d+)/", path)
    return int(found.group(1)) if found else None


PROCESSES = ["consent", "consensus", "advice", "consultative", "vote", "delegated"]
OK_STATUSES = {200, 204, 302, 400, 403, 404}


def stops(decision: Decision) -> set[str]:
    """What stands in the decision's way by its process: a consent objection, a consensus block."""
    standing = set(
        Input.objects.filter(decision=decision, resolution="", kind__in=["objection", "block"])
        .values_list("kind", flat=True)
        .distinct()
    )
    return {
        kind
        for kind, process in (("objection", "consent"), ("block", "consensus"))
        if kind in standing and decision.process_type == process
    }


class ProcessSequences(RuleBasedStateMachine):
    """A district's decisions, moved on only through the pages."""

    cast: pages.Cast  # set by the test, built once for all sequences

    decisions = Bundle("decisions")

    def __init__(self):
        super().__init__()
        # Each sequence starts from the same district and rolls back at its end.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._clock = time_machine.travel(pages.START, tick=False)
        self.clock = self._clock.start()
        self.step = 0
        self._pages: dict = {}
        # What the sequence did that the rules remember.
        self.went_around: dict[int, set[str]] = {}  # moved process while these stood
        self.decided_over: dict[int, set[str]] = {}  # recorded while these stood
        self.first_tally: dict[int, tuple[str, str]] = {}  # secret vote: tally, who took part
        self.ballot_kind: dict[int, str] = {}  # secret or named, once a ballot is cast
        self.acted: dict[int, tuple] = {}  # "someone can act" checked for this state
        self.touched: set[int] | None = None  # the decisions the last step acted on (None: all)
        self.fresh = False

    def teardown(self):
        self._clock.stop()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # ----- helpers

    @property
    def now(self) -> datetime.datetime:
        return timezone.now()

    def post(self, person, path, data=None):
        self.step += 1
        if self.fresh:
            self.touched, self.fresh = set(), False
        pk = _decision_in(path)
        self.touched = None if pk is None or self.touched is None else self.touched | {pk}
        response = self.cast.client(person).post(path, data or {})
        assert response.status_code in OK_STATUSES, (path, response.status_code)
        assert "login" not in response.get("Location", ""), "signed out: the clock ran too far"
        return response

    def get(self, person, path):
        key = (self.step, person.pk, path)
        if key not in self._pages:
            response = self.cast.client(person).get(path)
            assert response.status_code in OK_STATUSES, (path, response.status_code)
            self._pages[key] = response
        return self._pages[key]

    def page(self, person, pk) -> str:
        return self.get(person, pages.url("detail", pk)).content.decode()

    def live(self):
        return list(Decision.objects.filter(district=self.cast.district).order_by("pk"))

    def checked(self):
        """The decisions the invariants read after this step: those the step acted on, or all
        of them after a step that reaches every decision (the clock, the rights map)."""
        decisions = self.live()
        self.fresh = True  # the next action starts a new set
        if self.touched is not None:
            decisions = [d for d in decisions if d.pk in self.touched]
        return decisions

    @property
    def readers(self):
        """Whose pages the invariants read each step: the team and a consulted teacher."""
        return [self.cast.facilitator, self.cast.teachers[0]]

    # ----- rules: the actions people take

    # Who acts: the facilitator and the named decider come first (and shrink to them), then
    # the teachers, the principal and the superintendent. Half the steps are the first two's,
    # so that sequences reach a decision often, the others' refusals still tried.
    actors = st.one_of(st.integers(0, 1), st.integers(0, 8))

    def who(self, index: int):
        cast = self.cast
        return [
            cast.facilitator,
            cast.decider,
            *cast.teachers,
            cast.principal,
            cast.superintendent,
        ][index]

    @initialize(target=decisions, process=st.sampled_from(PROCESSES), secret=st.booleans())
    def first_decision(self, process, secret):
        """A decision of any process, opened for input by its facilitator."""
        pk = self.create_as(self.cast.facilitator, process, secret)
        self.open_for_input(0, pk, 3)
        return pk

    @precondition(lambda self: len(self.live()) < 2)
    @rule(target=decisions, actor=actors, process=st.sampled_from(PROCESSES), secret=st.booleans())
    def create(self, actor, process, secret):
        return self.create_as(self.who(actor), process, secret)

    def create_as(self, person, process, secret):
        data = pages.create_data(cast=self.cast, process=process, now=self.now, secret=secret)
        response = self.post(person, pages.url("create"), data)
        pk = _decision_in(response.get("Location", ""))
        if response.status_code != 302 or pk is None:
            return multiple()
        self.post(
            person,
            pages.url("stakeholder_add", pk),
            {**pages.TEACHERS_CONSULTED, "school": self.cast.school.pk},
        )
        return pk

    @rule(actor=actors, pk=decisions, days=st.sampled_from([1, 3]))
    def open_for_input(self, actor, pk, days):
        self.post(
            self.who(actor),
            pages.url("open", pk),
            {
                "input_opens": pages.local(self.now),
                "input_closes": pages.local(self.now + datetime.timedelta(days=days)),
            },
        )

    @rule(actor=actors, pk=decisions, kind=st.integers(0, 6), anonymous=st.booleans())
    def give_input(self, actor, pk, kind, anonymous):
        """Input of a kind the decision's process asks for (its own kinds come first)."""
        kinds = KINDS_FOR_PROCESS[Decision.objects.get(pk=pk).process_type]
        kind = kinds[kind % len(kinds)]
        data = {"kind": kind, "text": f"My {kind}."}
        if anonymous:
            data["anonymous"] = "on"
        self.post(self.who(actor), pages.url("input", pk), data)

    def input_at(self, pk, index, **filters):
        entries = list(Input.objects.filter(decision_id=pk, **filters).order_by("given_on", "id"))
        return entries[index % len(entries)] if entries else None

    @rule(
        actor=actors,
        pk=decisions,
        index=st.integers(0, 5),
        resolution=st.sampled_from(["amended", "not_paramount", "withdrawn", "lifted"]),
    )
    def resolve(self, actor, pk, index, resolution):
        entry = self.input_at(pk, index, kind__in=["objection", "block"], resolution="")
        if entry is None:
            return
        self.post(
            self.who(actor),
            pages.url("resolve", pk, entry.pk),
            {"resolution": resolution, "note": "We changed the bell times."},
        )

    @rule(actor=actors, pk=decisions, index=st.integers(0, 5))
    def answer(self, actor, pk, index):
        entry = self.input_at(pk, index)
        if entry is None:
            return
        self.post(self.who(actor), pages.url("respond", pk, entry.pk), {"response": "Thank you."})

    @rule(actor=actors, pk=decisions, option=st.sampled_from(["Tuesday", "Thursday", "Friday"]))
    def cast_a_ballot(self, actor, pk, option):
        self.post(self.who(actor), pages.url("vote", pk), {"option": option})

    @rule(actor=actors, pk=decisions)
    def close_input_now(self, actor, pk):
        self.post(self.who(actor), pages.url("move", pk), {"action": "close_input"})

    @rule(actor=actors, pk=decisions)
    def withdraw(self, actor, pk):
        self.post(self.who(actor), pages.url("move", pk), {"action": "withdraw", "reason": ""})

    def changing_process(self, pk, act):
        """Run `act` and remember what stood when it moved the process (no quiet bypass)."""
        decision = Decision.objects.get(pk=pk)
        before, standing = decision.process_type, stops(decision)
        act()
        if Decision.objects.get(pk=pk).process_type != before and standing:
            self.went_around.setdefault(pk, set()).update(standing)

    @rule(
        actor=actors,
        pk=decisions,
        process=st.sampled_from(PROCESSES),
        reason=st.sampled_from(["", "The block cannot be resolved in time."]),
    )
    def move_the_process(self, actor, pk, process, reason):
        self.changing_process(
            pk,
            lambda: self.post(
                self.who(actor),
                pages.url("process_change", pk),
                {"process_type": process, "reason": reason},
            ),
        )

    @rule(
        actor=actors,
        pk=decisions,
        change=st.sampled_from(
            [
                ("secret_ballot", ""),
                ("secret_ballot", "on"),
                ("decider", "decider"),
                ("decider", ""),
                ("title", "A clearer title"),
                ("quorum", "2"),
                *(("process_type", process) for process in PROCESSES),
            ]
        ),
    )
    def edit(self, actor, pk, change):
        name, value = change
        if name == "decider" and value:
            value = self.cast.decider.pk
        decision = Decision.objects.get(pk=pk)
        data = pages.edit_data(decision, **{name: value})
        self.changing_process(pk, lambda: self.post(self.who(actor), pages.url("edit", pk), data))

    @rule(
        actor=actors,
        pk=decisions,
        person=actors,
        involvement=st.sampled_from(["decides", "consulted", "affected", "informed"]),
    )
    def add_stakeholder(self, actor, pk, person, involvement):
        self.post(
            self.who(actor),
            pages.url("stakeholder_add", pk),
            {"involvement": involvement, "kind": "person", "person": self.who(person).pk},
        )

    @rule(actor=actors, pk=decisions, index=st.integers(0, 3))
    def remove_stakeholder(self, actor, pk, index):
        rows = list(Stakeholder.objects.filter(decision_id=pk).order_by("pk"))
        if rows:
            stakeholder = rows[index % len(rows)]
            self.post(self.who(actor), pages.url("stakeholder_remove", pk, stakeholder.pk))

    @rule(
        # The superintendent more often than anyone: only a district leader changes the map.
        actor=st.one_of(st.just(8), actors),
        holder=st.sampled_from(["team", "principal", "superintendent"]),
        level=st.sampled_from(["district", "school"]),
    )
    def add_to_the_rights_map(self, actor, holder, level):
        data = {"domain": "schedule", "level": level, "authority": "decides", "note": ""}
        if holder == "team":
            data["team"] = self.cast.team.pk
        else:
            data["role"] = holder
        self.post(self.who(actor), pages.url("right_add"), data)

    @rule(actor=st.one_of(st.just(8), actors), index=st.integers(0, 3))
    def remove_from_the_rights_map(self, actor, index):
        rows = list(DecisionRight.objects.filter(district=self.cast.district).order_by("pk"))
        if rows:
            self.post(self.who(actor), pages.url("right_remove", rows[index % len(rows)].pk))

    # Sessions last two weeks: a sequence lives about ten days at most.
    @precondition(lambda self: self.now < pages.START + datetime.timedelta(days=10))
    @rule(hours=st.sampled_from([2, 30, 80]))
    def let_time_pass(self, hours):
        self.step += 1
        self.touched = None
        self.clock.shift(datetime.timedelta(hours=hours))

    @rule(actor=actors, pk=decisions)
    def decide(self, actor, pk):
        decision = Decision.objects.get(pk=pk)
        standing = stops(decision)
        self.post(
            self.who(actor),
            pages.url("decide", pk),
            {"outcome": "Start at 8:45.", "rationale": "Sleep matters.", "heard": "Buses."},
        )
        if standing and Decision.objects.get(pk=pk).status in DECIDED_STATUSES:
            self.decided_over.setdefault(pk, set()).update(standing)

    # ----- invariants: the rules of issue 21, on what the pages show

    @invariant()
    def flags_are_current(self):
        # "Flags are always current, after every write, with or without a worker": the flags
        # lists, the CSV and the API read (stored) are the ones the page computes (live).
        for decision in self.checked():
            live = sorted({flag.code for flag in integrity_flags(decision)})
            assert decision.flag_codes == live, (decision.number, decision.flag_codes, live)

    @invariant()
    def secrecy_only_grows(self):
        # "Secrecy only grows": a secret vote's tally and who took part never change once shown,
        # no tally shows for fewer than three secret ballots, and a vote stays secret or named
        # from its first ballot on.
        for decision in self.checked():
            if decision.process_type != "vote" and decision.pk not in self.ballot_kind:
                continue
            body = self.page(self.cast.facilitator, decision.pk)
            kind = pages.ballots_line(body)
            if pages.ballots_cast(body) or decision.turnout.exists():
                first = self.ballot_kind.setdefault(decision.pk, kind)
                assert kind in (first, ""), (decision.number, first, kind)
            tally, took_part = pages.tally_shown(body), pages.took_part_shown(body)
            secret = self.ballot_kind.get(decision.pk, kind).startswith("Secret")
            if not secret:
                continue
            if tally:
                assert int(took_part.split(":")[0] or 0) >= 3, (decision.number, tally, took_part)
            if tally or (took_part and not took_part.startswith("0")):
                first = self.first_tally.setdefault(decision.pk, (tally, took_part))
                assert (tally, took_part) == first, (decision.number, first, (tally, took_part))

    @invariant()
    def no_quiet_bypass(self):
        # "No quiet bypass": a decision recorded while an objection or block stood, or after
        # moving the process around one, carries a flag naming it, on its page, in lists and
        # in the CSV; and a block stands until its author lifts it.
        lifted_or_standing = {"", "lifted"}
        assert (
            not Input.objects.filter(decision__district=self.cast.district, kind="block")
            .exclude(resolution__in=lifted_or_standing)
            .exists()
        ), "a block was overruled"
        decisions = {d.pk: d for d in self.live()}
        for pk in {**self.decided_over, **self.went_around}:
            decision = decisions[pk]
            if decision.status not in DECIDED_STATUSES:
                continue
            flags = pages.integrity_section(self.page(self.cast.facilitator, pk))
            for stood in self.decided_over.get(pk, set()) | self.went_around.get(pk, set()):
                assert stood in flags.lower(), (decision.number, stood, flags)
            for stood in self.went_around.get(pk, set()):
                label = pages.MOVED_AROUND[stood]
                listed = self.get(self.cast.facilitator, pages.url("list")).content.decode()
                assert label in pages.list_row(listed, pk), (decision.number, label)
                exported = self.get(self.cast.facilitator, pages.url("export")).content
                assert label in pages.csv_row(exported, decision.number).get("flags", "")

    @invariant()
    def time_comes_from_the_clock(self):
        # "Time comes from the clock": once the closing time has passed, no page says the
        # window is open, counts down to it or waits for input; and no page says input closed
        # at a time still to come ("Close input now" sets the closing time to now).
        now = self.now
        for decision in self.checked():
            for reader in self.readers:
                body = self.page(reader, decision.pk)
                closed = pages.closed_on(body)
                if closed is not None:
                    assert closed <= now, (decision.number, closed, now)
                if decision.input_closes is None or decision.input_closes > now:
                    continue
                assert pages.status_shown(body) != pages.OPEN_STATUS, decision.number
                for words in (*pages.CLOSES_IN, *pages.WAITING):
                    assert words not in body, (decision.number, reader.name, words)
            if decision.input_closes is not None and decision.input_closes <= now:
                teacher = self.cast.teachers[0]
                for name in ("list", "affects_me"):
                    row = pages.list_row(
                        self.get(teacher, pages.url(name)).content.decode(), decision.pk
                    )
                    assert pages.OPEN_STATUS not in row, (decision.number, name, row)
                    for words in (*pages.CLOSES_IN, *pages.WAITING):
                        assert words not in row, (decision.number, name, words)

    @invariant()
    def someone_can_always_act(self):
        # "Someone can always act": once the window has closed and the decision waits to be
        # made, some person's page offers the next step, and what a page offers works. When
        # nothing stands in the way, someone offered "Record the decision" records it (tried,
        # then rolled back); a named decider or delegate is always among those offered it.
        # (Before the close the team's "Close input now" and "Open for input" are always there.)
        for decision in self.checked():
            closed = decision.status == "deciding" or (
                decision.status == "open_for_input"
                and decision.input_closes is not None
                and decision.input_closes <= self.now
            )
            if not closed:
                continue
            state = (
                decision.status,
                decision.process_type,
                decision.decider_id,
                decision.created_by_id,
                tuple(decision.inputs.values_list("resolution", "response").order_by("id")),
                tuple(decision.stakeholders.values_list("pk", flat=True)),
                decision.turnout.count(),
            )
            if self.acted.get(decision.pk) == state:
                continue
            self.acted[decision.pk] = state
            cast = self.cast
            people = {cast.facilitator, cast.decider, cast.superintendent, cast.principal}
            people |= {p for p in cast.everyone if p.pk == decision.created_by_id}
            bodies = {p: self.page(p, decision.pk) for p in people}
            offered = [p for p, body in bodies.items() if pages.may_record(body, decision.pk)]
            way_out = any(label in body for body in bodies.values() for label in pages.WAYS_OUT)
            assert offered or way_out, (decision.number, decision.status, "nobody can act")
            if decision.process_type in ("advice", "delegated") and decision.decider_id:
                assert cast.decider in offered, (
                    decision.number,
                    "the named decider is not offered to record it",
                )
            in_the_way = stops(decision) or decision.process_type == "vote"
            # A process moved to advice or delegation names its decider (and bounds) by "Edit".
            unnamed = {
                "advice": not decision.decider_id,
                "delegated": not (decision.decider_id and decision.decider_bounds.strip()),
            }.get(decision.process_type, False)
            in_the_way = in_the_way or unnamed
            if decision.process_type == "advice":
                in_the_way = in_the_way or decision.inputs.filter(response="").exists()
            if not in_the_way:
                assert any(self.records(p, decision.pk) for p in offered), (
                    decision.number,
                    decision.process_type,
                    "offered to record it, nobody can",
                )

    def records(self, person, pk) -> bool:
        """Whether this person's "Record the decision" works now (tried, then undone)."""
        with transaction.atomic():
            self.cast.client(person).post(
                pages.url("decide", pk),
                {"outcome": "Start at 8:45.", "rationale": "Sleep matters.", "heard": "Buses."},
            )
            worked = Decision.objects.get(pk=pk).status in DECIDED_STATUSES
            transaction.set_rollback(True)
        return worked


@pytest.fixture
def cast(db):
    cast = pages.make_cast()
    cast.sign_in_everyone()
    return cast


def test_no_sequence_of_actions_through_the_pages_breaks_the_process_rules(cast):
    ProcessSequences.cast = cast
    run_state_machine_as_test(ProcessSequences, settings=PROFILE)


# ----- the differential check


@settings(PROFILE, max_examples=2 if PROFILE is PROFILES["default"] else 8)
@given(
    voter=st.integers(0, 4),
    choices=st.sampled_from(
        [("Tuesday", "Thursday"), ("Thursday", "Friday"), ("Friday", "Tuesday")]
    ),
    others=st.lists(st.sampled_from(["Tuesday", "Thursday", "Friday"]), min_size=2, max_size=3),
    secret=st.booleans(),
)
def test_which_option_one_voter_chose_changes_nothing_any_reader_sees_but_the_final_tally(
    cast, voter, choices, others, secret
):
    """Two runs that differ only in one person's choice read the same on every page, for every
    reader, until the final close; afterwards only the tally differs ("Secrecy only grows")."""
    runs = [_vote_run(cast, voter, choice, others, secret) for choice in choices]
    before, after = runs[0], runs[1]
    for (where, first), (_where, second) in zip(before["open"], after["open"], strict=True):
        assert first == second, where
    for (where, first), (_where, second) in zip(before["closed"], after["closed"], strict=True):
        assert pages.without_tally(first) == pages.without_tally(second), where


def _vote_run(cast, voter_index, choice, others, secret) -> dict:
    """One run of a vote, read by everyone after each ballot and after the close, undone."""
    seen: dict[str, list] = {"open": [], "closed": []}
    voters = cast.teachers[: len(others) + 1]
    voter = voters[voter_index % len(voters)]
    with transaction.atomic(), time_machine.travel(pages.START, tick=False):
        facilitator = cast.client(cast.facilitator)
        data = pages.create_data(
            cast=cast, process="vote", now=timezone.now(), secret=secret, title="Early release day"
        )
        pk = int(facilitator.post(pages.url("create"), data)["Location"].rstrip("/").split("/")[-1])
        facilitator.post(
            pages.url("stakeholder_add", pk), {**pages.TEACHERS_CONSULTED, "school": cast.school.pk}
        )
        facilitator.post(
            pages.url("open", pk),
            {
                "input_opens": pages.local(timezone.now()),
                "input_closes": pages.local(timezone.now() + datetime.timedelta(days=3)),
            },
        )
        rest = iter(others)
        for person in voters:
            option = choice if person == voter else next(rest)
            cast.client(person).post(pages.url("vote", pk), {"option": option})
            # Read right after their ballot, and once all are cast (the open vote's last look).
            if person == voter or person == voters[-1]:
                seen["open"] += _everything_read(cast, pk)
        facilitator.post(pages.url("move", pk), {"action": "close_input"})
        seen["closed"] += _everything_read(cast, pk)
        transaction.set_rollback(True)
    return seen


def _everything_read(cast, pk) -> list[tuple[str, str]]:
    """The decision's page as each person reads it; the lists, "My input" and the export as a
    voter and the facilitator read them."""
    read = []
    for person in cast.everyone:
        paths = [pages.url("detail", pk)]
        if person in (cast.teachers[0], cast.facilitator):
            paths += [pages.url(name) for name in ("list", "affects_me", "my_input", "export")]
        for path in paths:
            body = cast.client(person).get(path).content.decode()
            read.append((f"{person.name} {path}", pages.normalised(body)))
    return read
