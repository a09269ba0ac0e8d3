"""Each process's rule, allowed and refused, and the flag when someone goes around it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from decisions import services
from decisions.integrity import refresh_flags
from decisions.models import Ballot, Decision, DecisionEvent, Involvement, Stakeholder, Turnout
from decisions.processes import tally

pytestmark = pytest.mark.django_db


def codes(decision):
    decision = Decision.objects.select_related("district", "decided_by", "decider").get(
        pk=decision.pk
    )
    return {flag.code for flag in refresh_flags(decision)}


def close(decision, by):
    decision.close_input(by=by)
    decision.refresh_from_db()
    return decision


def recorded_around_the_rules(decision, by):
    """What an admin edit or a hand-written update does: the status moves, no rule is asked."""
    Decision.objects.filter(pk=decision.pk).update(
        status="decided", decided_at=timezone.now(), decided_by=by, outcome="Done.", rationale="r"
    )
    decision.refresh_from_db()
    return decision


@pytest.fixture
def opened(make_decision, school, superintendent, window):
    def make(process_type, **fields):
        decision = make_decision(
            process_type=process_type,
            stakeholders=[
                {
                    "kind": Stakeholder.Kind.ROLE,
                    "role": "teacher",
                    "school": school,
                    "involvement": Involvement.CONSULTED,
                },
                {
                    "kind": Stakeholder.Kind.SCHOOL,
                    "school": school,
                    "involvement": Involvement.AFFECTED,
                },
            ],
            input_opens=window[0],
            input_closes=window[1],
            **fields,
        )
        services.decision_open_input(decision=decision, by=superintendent)
        decision.refresh_from_db()
        return decision

    return make


# ----- consent


def test_consent_with_a_standing_objection_cannot_be_recorded(opened, teacher, superintendent):
    decision = opened("consent")
    services.input_give(decision=decision, by=teacher, kind="objection", text="Buses clash.")
    close(decision, superintendent)
    with pytest.raises(ValidationError, match="objection still stands"):
        services.decision_decide(decision=decision, by=superintendent, outcome="Go.")
    decision.refresh_from_db()
    assert decision.status == "deciding"


def test_a_ruling_of_not_paramount_needs_a_reason_then_lets_it_be_recorded(
    opened, teacher, superintendent
):
    decision = opened("consent")
    entry = services.input_give(decision=decision, by=teacher, kind="objection", text="No.")
    close(decision, superintendent)
    with pytest.raises(ValidationError):
        services.input_resolve(entry=entry, by=superintendent, resolution="not_paramount")
    services.input_resolve(
        entry=entry, by=superintendent, resolution="not_paramount", note="Outside our remit."
    )
    services.decision_decide(decision=decision, by=superintendent, outcome="Go.", rationale="r")
    assert Decision.objects.get(pk=decision.pk).status == "decided"
    assert decision.events.filter(kind=DecisionEvent.Kind.RESOLVED).exists()


def test_only_its_author_withdraws_an_objection(opened, teacher, principal, superintendent):
    decision = opened("consent")
    entry = services.input_give(decision=decision, by=teacher, kind="objection", text="No.")
    with pytest.raises(ValidationError, match="Only its author"):
        services.input_resolve(entry=entry, by=principal, resolution="withdrawn")
    with pytest.raises(PermissionDenied, match="facilitator"):
        services.input_resolve(entry=entry, by=teacher, resolution="amended", note="I say so")
    services.input_resolve(entry=entry, by=teacher, resolution="withdrawn")
    close(decision, superintendent)
    services.decision_decide(decision=decision, by=superintendent, outcome="Go.", rationale="r")


def test_an_anonymous_author_withdraws_by_their_key_and_leaves_no_event(
    opened, teacher, principal, superintendent
):
    decision = opened("consent")
    entry = services.input_give(
        decision=decision, by=teacher, kind="objection", text="No.", anonymous=True
    )
    events = decision.events.count()
    with pytest.raises(ValidationError):
        services.input_resolve(entry=entry, by=principal, resolution="withdrawn")
    services.input_resolve(entry=entry, by=teacher, resolution="withdrawn")
    assert decision.events.count() == events
    entry.refresh_from_db()
    assert entry.resolution == "withdrawn" and entry.author_id is None


def test_consent_recorded_around_a_standing_objection_is_flagged(opened, teacher, superintendent):
    decision = opened("consent")
    services.input_give(decision=decision, by=teacher, kind="objection", text="No.")
    recorded_around_the_rules(decision, superintendent)
    assert "objection_unresolved" in codes(decision)


# ----- consensus


def test_a_block_stops_a_consensus_until_it_is_lifted(opened, teacher, superintendent):
    decision = opened("consensus")
    entry = services.input_give(decision=decision, by=teacher, kind="block", text="Unsafe.")
    close(decision, superintendent)
    with pytest.raises(ValidationError, match="block stops"):
        services.decision_decide(decision=decision, by=superintendent, outcome="Go.")
    services.input_resolve(entry=entry, by=teacher, resolution="lifted")
    services.decision_decide(decision=decision, by=superintendent, outcome="Go.", rationale="r")
    assert "block_ignored" not in codes(decision)


def test_moving_a_blocked_consensus_to_another_process_is_on_the_record_and_flagged(
    opened, teacher, superintendent
):
    decision = opened("consensus")
    services.input_give(decision=decision, by=teacher, kind="block", text="Unsafe.")
    close(decision, superintendent)
    with pytest.raises(ValidationError):
        services.decision_change_process(
            decision=decision, by=superintendent, process_type="consultative", reason=""
        )
    with pytest.raises(PermissionDenied):
        services.decision_change_process(
            decision=decision, by=teacher, process_type="consultative", reason="Stuck."
        )
    services.decision_change_process(
        decision=decision, by=superintendent, process_type="consultative", reason="Stuck."
    )
    event = decision.events.get(field="process_type")
    assert (event.old, event.new, event.note) == ("Consensus", "Consultative", "Stuck.")
    assert "process_changed" in codes(decision)
    services.decision_decide(
        decision=decision, by=superintendent, outcome="Go.", rationale="r", heard="Safety."
    )
    assert "moved_around_block" in codes(decision)


def test_consensus_recorded_over_a_block_is_flagged(opened, teacher, superintendent):
    decision = opened("consensus")
    services.input_give(decision=decision, by=teacher, kind="block", text="Unsafe.")
    recorded_around_the_rules(decision, superintendent)
    assert "block_ignored" in codes(decision)


def test_a_consensus_refuses_the_kinds_of_another_process(opened, teacher):
    decision = opened("consensus")
    with pytest.raises(ValidationError):
        services.input_give(decision=decision, by=teacher, kind="consent", text="Fine.")
    consent = opened("consent")
    with pytest.raises(ValidationError):
        services.input_give(decision=consent, by=teacher, kind="block", text="No.")


# ----- advice


def test_advice_opens_only_with_a_named_decider_and_people_to_ask(
    make_decision, superintendent, school, window
):
    nobody = make_decision(process_type="advice", input_opens=window[0], input_closes=window[1])
    with pytest.raises(ValidationError) as refused:
        services.decision_open_input(decision=nobody, by=superintendent)
    assert "Name the one person who decides" in str(refused.value)
    assert "affects" in str(refused.value)
    services.decision_update(decision=nobody, by=superintendent, decider=superintendent)
    services.stakeholder_add(
        decision=nobody,
        by=superintendent,
        kind="school",
        school=school,
        involvement=Involvement.AFFECTED,
    )
    services.decision_open_input(decision=nobody, by=superintendent)


def test_advice_is_decided_by_the_named_decider_after_answering_each_piece(
    opened, teacher, principal, superintendent
):
    decision = opened("advice", decider=superintendent)
    entry = services.input_give(decision=decision, by=teacher, kind="advice", text="Pilot it.")
    close(decision, superintendent)
    with pytest.raises(ValidationError, match="Only .* the named decider"):
        services.decision_decide(decision=decision, by=principal, outcome="Go.")
    with pytest.raises(ValidationError, match="1 is unanswered"):
        services.decision_decide(decision=decision, by=superintendent, outcome="Go.")
    services.input_respond(
        entry=entry, by=superintendent, response="We pilot first.", changed_decision=True
    )
    services.decision_decide(decision=decision, by=superintendent, outcome="Go.", rationale="r")
    assert not {"advice_unanswered", "no_named_decider"} & codes(decision)


def test_advice_recorded_around_its_rules_is_flagged(opened, teacher, principal, superintendent):
    decision = opened("advice", decider=superintendent)
    services.input_give(decision=decision, by=teacher, kind="advice", text="Pilot it.")
    recorded_around_the_rules(decision, principal)
    assert {"advice_unanswered", "no_named_decider"} <= codes(decision)


# ----- consultative


def test_consultative_records_what_was_heard(opened, teacher, superintendent):
    decision = opened("consultative")
    services.input_give(decision=decision, by=teacher, kind="concern", text="Childcare.")
    close(decision, superintendent)
    with pytest.raises(ValidationError, match="what you heard"):
        services.decision_decide(decision=decision, by=superintendent, outcome="Go.")
    services.decision_decide(
        decision=decision,
        by=superintendent,
        outcome="Go, with a childcare fund.",
        rationale="r",
        heard="Childcare worries families most.",
    )
    assert Decision.objects.get(pk=decision.pk).heard == "Childcare worries families most."


def test_consultative_recorded_without_what_was_heard_is_flagged(opened, superintendent):
    decision = opened("consultative")
    recorded_around_the_rules(decision, superintendent)
    assert "heard_not_recorded" in codes(decision)


# ----- vote


OPTIONS = "Tuesday\nThursday"


@pytest.fixture
def voters(make_person_in, district, school):
    return [
        make_person_in(district, "teacher", f"Voter {i}", f"v{i}@cedar.example", [school])
        for i in range(4)
    ]


def test_a_vote_needs_options_to_open(make_decision, superintendent, window):
    decision = make_decision(
        process_type="vote", options="Only one", input_opens=window[0], input_closes=window[1]
    )
    with pytest.raises(ValidationError, match="two options"):
        services.decision_open_input(decision=decision, by=superintendent)


def test_one_ballot_each_from_eligible_people_for_a_listed_option(
    opened, voters, outsider, community_member
):
    decision = opened("vote", options=OPTIONS)
    services.vote_cast(decision=decision, by=voters[0], option="Tuesday")
    with pytest.raises(ValidationError, match="already voted"):
        services.vote_cast(decision=decision, by=voters[0], option="Thursday")
    with pytest.raises(ValidationError, match="Choose one of the options"):
        services.vote_cast(decision=decision, by=voters[1], option="Friday")
    with pytest.raises(ValidationError):
        services.vote_cast(decision=decision, by=community_member, option="Tuesday")
    with pytest.raises(ValidationError):
        services.vote_cast(decision=decision, by=outsider, option="Tuesday")
    assert Ballot.objects.filter(decision=decision).count() == 1


def test_the_tally_is_hidden_until_the_close_and_correct_after(opened, voters, superintendent):
    decision = opened("vote", options=OPTIONS, quorum=3)
    for voter, option in zip(voters, ["Tuesday", "Thursday", "Thursday", "Thursday"], strict=True):
        services.vote_cast(decision=decision, by=voter, option=option)
    assert tally(decision) is None
    with pytest.raises(ValidationError, match="still open"):
        services.decision_decide(decision=decision, by=superintendent, outcome="Thursday.")
    close(decision, superintendent)
    assert [(line.option, line.count, line.voters) for line in tally(decision)] == [
        ("Tuesday", 1, ()),
        ("Thursday", 3, ()),
    ]
    services.decision_decide(
        decision=decision, by=superintendent, outcome="Thursday.", rationale="r"
    )
    assert "vote_not_counted" not in codes(decision)


def test_secret_ballots_name_nobody_and_named_ones_name_their_voter(opened, voters, superintendent):
    secret = opened("vote", options=OPTIONS)
    named = opened("vote", options=OPTIONS, secret_ballot=False)
    for voter in voters[:3]:
        services.vote_cast(decision=secret, by=voter, option="Tuesday")
        services.vote_cast(decision=named, by=voter, option="Tuesday")
    assert not Ballot.objects.filter(decision=secret, voter__isnull=False).exists()
    assert Ballot.objects.filter(decision=named, voter__isnull=False).count() == 3
    assert Turnout.objects.filter(decision=secret).count() == 3
    close(named, superintendent)
    assert tally(named)[0].voters == tuple(sorted(v.name for v in voters[:3]))


def test_the_count_is_taken_at_the_close_and_taken_again_after_a_reopening(
    opened, voters, superintendent
):
    decision = opened("vote", options=OPTIONS, secret_ballot=False)
    for voter in voters[:3]:
        services.vote_cast(decision=decision, by=voter, option="Tuesday")
    close(decision, superintendent)
    assert decision.vote_count["lines"][0][:2] == ["Tuesday", 3]
    with pytest.raises(ValidationError, match="not open"):
        services.vote_cast(decision=decision, by=voters[3], option="Thursday")
    # The kept count is what the page reads: no ballot is read again after the close.
    Ballot.objects.filter(decision=decision).delete()
    assert tally(Decision.objects.get(pk=decision.pk))[0].count == 3

    services.decision_open_input(
        decision=decision, by=superintendent, closes=timezone.now() + datetime.timedelta(days=1)
    )
    decision.refresh_from_db()
    assert decision.vote_count is None
    services.vote_cast(decision=decision, by=voters[3], option="Thursday")
    close(decision, superintendent)
    assert [(line.option, line.count) for line in tally(decision)] == [
        ("Tuesday", 0),
        ("Thursday", 1),
    ]
    assert decision.vote_count["took_part"] == [[v.pk, v.name] for v in voters]


def test_a_vote_closed_before_it_was_a_vote_is_counted_when_read(opened, voters, superintendent):
    decision = opened("consent")
    close(decision, superintendent)
    Decision.objects.filter(pk=decision.pk).update(
        process_type="vote", options=OPTIONS, secret_ballot=False
    )
    decision.refresh_from_db()
    assert decision.vote_count is None
    assert [line.count for line in tally(decision)] == [0, 0]


def test_a_vote_without_its_quorum_cannot_be_recorded(opened, voters, superintendent):
    decision = opened("vote", options=OPTIONS, quorum=4, secret_ballot=False)
    for voter in voters[:3]:
        services.vote_cast(decision=decision, by=voter, option="Tuesday")
    close(decision, superintendent)
    with pytest.raises(ValidationError, match="quorum was not reached: 3 of 4"):
        services.decision_decide(decision=decision, by=superintendent, outcome="Tuesday.")


def test_a_secret_vote_with_too_few_ballots_shows_no_tally_and_cannot_be_recorded(
    opened, voters, superintendent
):
    decision = opened("vote", options=OPTIONS)
    for voter in voters[:2]:
        services.vote_cast(decision=decision, by=voter, option="Tuesday")
    close(decision, superintendent)
    assert tally(decision) is None
    with pytest.raises(ValidationError, match="secret vote needs at least 3"):
        services.decision_decide(decision=decision, by=superintendent, outcome="Tuesday.")


def test_a_vote_recorded_without_a_valid_count_is_flagged(opened, voters, superintendent):
    decision = opened("vote", options=OPTIONS, quorum=3)
    services.vote_cast(decision=decision, by=voters[0], option="Tuesday")
    recorded_around_the_rules(decision, superintendent)
    assert "vote_not_counted" in codes(decision)


# ----- delegated


def test_delegation_is_recorded_before_input_opens(make_decision, superintendent, window):
    decision = make_decision(
        process_type="delegated", input_opens=window[0], input_closes=window[1]
    )
    with pytest.raises(ValidationError, match="Name the delegate"):
        services.decision_open_input(decision=decision, by=superintendent)
    services.decision_update(
        decision=decision, by=superintendent, decider=superintendent, decider_bounds="Budget."
    )
    services.decision_open_input(decision=decision, by=superintendent)


def test_only_the_delegate_decides(opened, principal, superintendent):
    decision = opened("delegated", decider=principal, decider_bounds="Within the bell times.")
    close(decision, superintendent)
    with pytest.raises(ValidationError, match="the delegate"):
        services.decision_decide(decision=decision, by=superintendent, outcome="Go.")
    services.decision_decide(decision=decision, by=principal, outcome="Go.", rationale="r")
    assert "no_named_decider" not in codes(decision)


def test_a_delegated_decision_recorded_by_someone_else_is_flagged(
    opened, principal, superintendent
):
    decision = opened("delegated", decider=principal, decider_bounds="Within the bell times.")
    recorded_around_the_rules(decision, superintendent)
    assert "no_named_decider" in codes(decision)


# ----- changing process


def test_changing_the_process_after_input_opened_is_recorded_and_flagged(
    opened, make_decision, superintendent
):
    draft = make_decision(process_type="consent")
    services.decision_update(decision=draft, by=superintendent, process_type="consensus")
    assert "process_changed" not in codes(draft)
    decision = opened("consent")
    with pytest.raises(ValidationError, match="Move to another process"):
        services.decision_update(decision=decision, by=superintendent, process_type="consultative")
    services.decision_change_process(
        decision=decision, by=superintendent, process_type="consultative", reason="Simpler."
    )
    assert decision.events.filter(field="process_type").exists()
    assert "process_changed" in codes(decision)


def test_a_consulted_group_that_voted_was_heard(
    make_decision, superintendent, school, window, voters
):
    decision = make_decision(
        process_type="vote",
        options=OPTIONS,
        input_opens=window[0],
        input_closes=window[1],
        stakeholders=[
            {"kind": "person", "person": voters[0], "involvement": Involvement.CONSULTED},
            {"kind": "person", "person": voters[1], "involvement": Involvement.CONSULTED},
        ],
    )
    services.decision_open_input(decision=decision, by=superintendent)
    services.vote_cast(decision=decision, by=voters[0], option="Tuesday")
    close(decision, superintendent)
    flags = [f.message for f in refresh_flags(decision) if f.code == "consulted_not_heard"]
    assert len(flags) == 1 and voters[1].name in flags[0]
