"""Sequences that broke a process rule, each replayed through the pages (issue 21).

The first nine are the reproductions in the issue; the others are sequences the state
machine in test_process_sequences.py found. Each asserts what a person would notice.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from decisions.models import Decision
from tests.decisions import sequences as pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db):
    return pages.make_cast()


@pytest.fixture
def clock():
    with time_machine.travel(pages.START, tick=False) as traveller:
        yield traveller


def create(cast, process, *, by=None, secret=True, open_for_days=3) -> int:
    """A decision written by the facilitator, consulting the school's teachers, opened for input."""
    by = by or cast.facilitator
    client = cast.client(by)
    now = timezone.now()
    response = client.post(
        pages.url("create"), pages.create_data(cast=cast, process=process, now=now, secret=secret)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    client.post(
        pages.url("stakeholder_add", pk), {**pages.TEACHERS_CONSULTED, "school": cast.school.pk}
    )
    if open_for_days:
        client.post(
            pages.url("open", pk),
            {
                "input_opens": pages.local(now),
                "input_closes": pages.local(now + datetime.timedelta(days=open_for_days)),
            },
        )
        assert Decision.objects.get(pk=pk).status == "open_for_input"
    return pk


def page(cast, person, pk) -> str:
    return cast.client(person).get(pages.url("detail", pk)).content.decode()


def close_now(cast, pk, by=None):
    return cast.client(by or cast.facilitator).post(
        pages.url("move", pk), {"action": "close_input"}
    )


def decide(cast, pk, by=None):
    return cast.client(by or cast.facilitator).post(
        pages.url("decide", pk),
        {"outcome": "Start at 8:45.", "rationale": "Sleep matters.", "heard": "Buses, sleep."},
    )


def vote(cast, person, pk, option):
    return cast.client(person).post(pages.url("vote", pk), {"option": option})


# ----- the nine reproductions of issue 21


def test_a_secret_vote_whose_tally_was_shown_never_reopens_and_its_tally_never_changes(cast, clock):
    pk = create(cast, "vote")
    for teacher, option in zip(cast.teachers, ["Tuesday", "Thursday", "Friday"], strict=False):
        vote(cast, teacher, pk, option)
    close_now(cast, pk)
    shown = page(cast, cast.teachers[4], pk)
    tally, took_part = pages.tally_shown(shown), pages.took_part_shown(shown)
    assert tally and took_part.startswith("3:")

    cast.client(cast.facilitator).post(
        pages.url("open", pk),
        {
            "input_opens": pages.local(timezone.now()),
            "input_closes": pages.local(timezone.now() + datetime.timedelta(days=1)),
        },
    )
    vote(cast, cast.teachers[3], pk, "Thursday")
    close_now(cast, pk)

    later = page(cast, cast.teachers[4], pk)
    assert pages.status_shown(later) != pages.OPEN_STATUS
    assert pages.tally_shown(later) == tally
    assert pages.took_part_shown(later) == took_part
    assert cast.teachers[3].name not in pages.took_part_shown(later)


def test_unticking_secret_ballot_after_the_close_never_shows_who_chose_what(cast, clock):
    pk = create(cast, "vote")
    vote(cast, cast.teachers[0], pk, "Tuesday")
    vote(cast, cast.teachers[1], pk, "Thursday")
    close_now(cast, pk)
    assert not pages.tally_shown(page(cast, cast.teachers[0], pk))

    decision = Decision.objects.get(pk=pk)
    cast.client(cast.facilitator).post(
        pages.url("edit", pk), pages.edit_data(decision, secret_ballot="")
    )

    body = page(cast, cast.teachers[0], pk)
    assert pages.ballots_line(body).startswith("Secret")
    assert not pages.tally_shown(body)


@pytest.mark.parametrize("process", ["advice", "delegated"])
def test_a_named_decider_on_no_team_is_offered_the_decision_and_records_it(cast, clock, process):
    pk = create(cast, process)
    cast.client(cast.teachers[0]).post(
        pages.url("input", pk),
        {"kind": "advice" if process == "advice" else "concern", "text": "Mind the buses."},
    )
    close_now(cast, pk)
    body = page(cast, cast.decider, pk)
    assert pages.may_record(body, pk)
    assert "You are consulted" not in body
    if process == "advice":
        assert "Save the answer" in body
        entry = Decision.objects.get(pk=pk).inputs.get()
        cast.client(cast.decider).post(
            pages.url("respond", pk, entry.pk), {"response": "We will add a bus."}
        )

    decide(cast, pk, by=cast.decider)

    assert pages.status_shown(page(cast, cast.teachers[0], pk)) == "Decided"


def test_the_edit_form_cannot_move_a_decision_around_a_standing_objection_and_a_move_is_flagged(
    cast, clock
):
    pk = create(cast, "consent")
    cast.client(cast.teachers[0]).post(
        pages.url("input", pk), {"kind": "objection", "text": "The buses cannot run earlier."}
    )
    facilitator = cast.client(cast.facilitator)
    facilitator.post(
        pages.url("edit", pk),
        pages.edit_data(Decision.objects.get(pk=pk), process_type="consultative"),
    )
    assert Decision.objects.get(pk=pk).process_type == "consent"
    assert "<dt>Process</dt><dd>Consent" in page(cast, cast.teachers[0], pk)

    facilitator.post(
        pages.url("process_change", pk),
        {"process_type": "consultative", "reason": "The objection needs the board."},
    )
    close_now(cast, pk)
    decide(cast, pk)

    label = pages.MOVED_AROUND["objection"]
    body = page(cast, cast.teachers[0], pk)
    assert pages.status_shown(body) == "Decided"
    assert "objection" in pages.integrity_section(body).lower()
    number = Decision.objects.get(pk=pk).number
    listed = cast.client(cast.teachers[0]).get(pages.url("list")).content.decode()
    assert label in pages.list_row(listed, pk)
    exported = cast.client(cast.teachers[0]).get(pages.url("export")).content
    assert label in pages.csv_row(exported, number)["flags"]


def test_the_facilitator_cannot_rule_a_consensus_block_not_paramount(cast, clock):
    pk = create(cast, "consensus")
    cast.client(cast.teachers[0]).post(
        pages.url("input", pk), {"kind": "block", "text": "This harms the youngest."}
    )
    close_now(cast, pk)
    assert "Resolve it" not in page(cast, cast.facilitator, pk)

    entry = Decision.objects.get(pk=pk).inputs.get()
    cast.client(cast.facilitator).post(
        pages.url("resolve", pk, entry.pk),
        {"resolution": "not_paramount", "note": "We disagree."},
    )
    decide(cast, pk)

    body = page(cast, cast.teachers[0], pk)
    assert "Stands: it stops the decision" in body
    assert "Ruled not paramount" not in body
    assert pages.status_shown(body) != "Decided"


def test_a_change_to_the_rights_map_flags_decided_decisions_at_once_without_a_worker(cast, clock):
    pk = create(cast, "consent")
    close_now(cast, pk)
    decide(cast, pk)
    assert Decision.objects.get(pk=pk).status == "decided"

    cast.client(cast.superintendent).post(
        pages.url("right_add"),
        {"domain": "schedule", "level": "district", "role": "principal", "authority": "decides"},
    )

    label = "Decided by someone without the decision right"
    decision = Decision.objects.get(pk=pk)
    assert "no_right" in decision.flag_codes
    listed = cast.client(cast.facilitator).get(pages.url("list")).content.decode()
    assert label in pages.list_row(listed, pk)
    exported = cast.client(cast.facilitator).get(pages.url("export")).content
    assert label in pages.csv_row(exported, decision.number)["flags"]


def test_close_input_now_says_input_closed_now_not_on_the_planned_day(cast, clock):
    pk = create(cast, "consent", open_for_days=3)  # Dec 7 to Dec 10
    close_now(cast, pk)

    body = page(cast, cast.teachers[0], pk)
    assert "Input closed on Dec 7, 2026 10:00" in pages.guide_when(body)
    assert "Dec 10" not in pages.guide_when(body)


def test_a_window_past_its_closing_time_reads_closed_everywhere_without_the_scheduled_task(
    cast, clock
):
    pk = create(cast, "consent", open_for_days=1)
    teacher = cast.teachers[0]
    clock.shift(datetime.timedelta(days=1, minutes=1))

    body = page(cast, teacher, pk)
    assert pages.status_shown(body) == pages.DECIDING_STATUS
    assert "closes in" not in body
    assert "Waiting for your input" not in body
    for name in ("list", "affects_me"):
        row = pages.list_row(cast.client(teacher).get(pages.url(name)).content.decode(), pk)
        assert row and pages.OPEN_STATUS not in row, name
        assert "closes in" not in row and "Waiting for your input" not in row, name
    cast.client(teacher).post(pages.url("input", pk), {"kind": "concern", "text": "Late."})
    assert not Decision.objects.get(pk=pk).inputs.exists()


@pytest.mark.parametrize(
    "action, data, why",
    [
        ("decide", {"outcome": "Mine."}, "record"),
        ("process_change", {"process_type": "vote", "reason": "Faster."}, "process"),
        ("edit", {"title": "Mine now", "save": "1"}, "edit"),
    ],
)
def test_a_refused_action_gets_a_page_in_the_site_frame_with_the_reason_and_a_way_back(
    cast, clock, action, data, why
):
    pk = create(cast, "consent")

    # Posted from the decision's page, as a browser would (a forged form, say).
    response = cast.client(cast.teachers[0]).post(
        pages.url(action, pk), data, HTTP_REFERER=f"http://testserver{pages.url('detail', pk)}"
    )

    assert response.status_code == 403
    body = response.content.decode()
    assert 'class="site-header"' in body
    assert why in pages.text_of(body).lower()
    assert f'href="{pages.url("detail", pk)}"' in body


# ----- sequences the state machine found


def test_withdrawing_a_decision_open_for_input_never_says_input_closed_on_a_day_to_come(
    cast, clock
):
    # first_decision(advice) → open_for_input → withdraw (facilitator)
    pk = create(cast, "advice", open_for_days=3)
    cast.client(cast.facilitator).post(pages.url("move", pk), {"action": "withdraw"})

    closed = pages.closed_on(page(cast, cast.teachers[0], pk))
    assert closed is None or closed <= timezone.now()


def test_after_an_advice_window_passes_on_its_own_the_named_decider_is_offered_the_decision(
    cast, clock
):
    # first_decision(advice, named decider on no team) → let_time_pass(80 hours)
    pk = create(cast, "advice", open_for_days=3)
    clock.shift(datetime.timedelta(hours=80))

    assert pages.may_record(page(cast, cast.decider, pk), pk)


def test_after_a_consultative_window_passes_on_its_own_no_page_says_it_is_open(cast, clock):
    # first_decision(consultative) → a stakeholder removed → let_time_pass(80 hours)
    pk = create(cast, "consultative", open_for_days=3)
    clock.shift(datetime.timedelta(hours=80))

    body = page(cast, cast.facilitator, pk)
    assert pages.status_shown(body) != pages.OPEN_STATUS
    assert "closes in" not in body


def test_deciding_before_the_window_closes_never_says_input_closed_on_a_day_to_come(cast, clock):
    # first_decision(consensus) → let_time_pass(30 hours) → decide (facilitator), on the engine
    pk = create(cast, "consensus", open_for_days=3)
    clock.shift(datetime.timedelta(hours=30))
    decide(cast, pk)
    assert Decision.objects.get(pk=pk).status == "decided"

    closed = pages.closed_on(page(cast, cast.teachers[0], pk))
    assert closed is None or closed <= timezone.now()
