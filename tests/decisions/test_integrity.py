"""Each integrity flag: a scenario that raises it and one that does not."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from decisions import notices, services
from decisions.integrity import integrity_flags
from decisions.models import DecisionRight, Status

from .conftest import decided

pytestmark = pytest.mark.django_db


def codes(decision):
    decision.refresh_from_db()
    return {flag.code for flag in integrity_flags(decision)}


def test_deciding_before_the_window_closes_is_flagged(open_decision, superintendent, rights):
    open_decision.decide(by=superintendent, outcome="Yes", rationale="Because.")
    assert "decided_early" in codes(open_decision)


def test_deciding_after_the_window_closed_is_not_flagged(open_decision, superintendent, rights):
    with time_machine.travel(open_decision.input_closes + datetime.timedelta(hours=1)):
        notices.dispatch_due()
        open_decision.refresh_from_db()
        assert open_decision.status == Status.DECIDING
        decided(open_decision, superintendent)
    assert "decided_early" not in codes(open_decision)


def test_deciding_without_the_right_is_flagged(open_decision, superintendent, mapped):
    decided(open_decision, superintendent)
    assert "no_right" in codes(open_decision)


def test_deciding_with_the_teams_right_is_not_flagged(open_decision, superintendent, rights):
    decided(open_decision, superintendent)
    assert "no_right" not in codes(open_decision)


def test_a_role_right_at_school_level_covers_only_that_schools_principal(
    make_decision, school, other_school, principal, district, superintendent
):
    DecisionRight.objects.create(
        district=district, domain="schedule", level="school", role="principal", authority="decides"
    )
    decision = make_decision(school=school, status="deciding")
    decided(decision, principal)
    assert "no_right" not in codes(decision)
    at_other = make_decision(status="deciding")  # district level: principals hold no right there
    decided(at_other, principal)
    assert "no_right" in codes(at_other)


def test_a_consulted_group_never_heard_is_flagged(open_decision, superintendent, rights):
    decided(open_decision, superintendent)
    assert "consulted_not_heard" in codes(open_decision)


def test_named_input_from_a_consulted_person_clears_it(
    open_decision, teacher, superintendent, rights
):
    services.input_give(
        decision=open_decision, by=teacher, kind="idea", text="Try it", anonymous=False
    )
    decided(open_decision, superintendent)
    assert "consulted_not_heard" not in codes(open_decision)


def test_anonymous_input_does_not_clear_the_flag_even_for_a_large_group(
    open_decision, teacher, superintendent, rights, make_person_in, district, school
):
    for i in range(4):
        make_person_in(district, "teacher", f"Extra {i}", f"extra{i}@cedar.example", [school])
    services.input_give(decision=open_decision, by=teacher, kind="idea", text="x", anonymous=True)
    decided(open_decision, superintendent)
    assert "consulted_not_heard" in codes(open_decision)


def test_the_flag_says_anonymous_input_counts_toward_no_group(
    open_decision, teacher, superintendent, rights
):
    services.input_give(decision=open_decision, by=teacher, kind="idea", text="x", anonymous=True)
    decided(open_decision, superintendent)
    flags = [f for f in integrity_flags(open_decision) if f.code == "consulted_not_heard"]
    assert flags and "gave no named input" in flags[0].message
    assert "never toward one group" in flags[0].message


def test_affected_people_never_informed_is_flagged(open_decision, superintendent, rights):
    open_decision.close_input(by=superintendent)
    open_decision.decide(by=superintendent, outcome="Yes", rationale="r")  # no notice sent
    assert "not_informed" in codes(open_decision)


def test_deciding_through_the_service_informs_and_is_not_flagged(
    open_decision, superintendent, rights
):
    decided(open_decision, superintendent)
    assert "not_informed" not in codes(open_decision)
    assert open_decision.events.filter(kind="informed").exists()


def test_no_rationale_is_flagged(open_decision, superintendent, rights):
    decided(open_decision, superintendent, rationale="")
    assert "no_rationale" in codes(open_decision)


def test_a_rationale_clears_it(open_decision, superintendent, rights):
    decided(open_decision, superintendent, rationale="Sleep research and the bus contract.")
    assert "no_rationale" not in codes(open_decision)


def test_no_input_sought_is_flagged_unless_delegated(make_decision, superintendent, rights):
    skipped = make_decision(status="deciding")
    decided(skipped, superintendent)
    assert "no_input_sought" in codes(skipped)
    delegated = make_decision(
        status="deciding",
        process_type="delegated",
        decider=superintendent,
        decider_bounds="Within this year's budget.",
    )
    decided(delegated, superintendent)
    assert "no_input_sought" not in codes(delegated)


def test_review_date_passed_without_reflection_is_flagged(open_decision, superintendent, rights):
    decided(open_decision, superintendent)
    services.decision_update(
        decision=open_decision,
        by=superintendent,
        review_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert "review_overdue" not in codes(open_decision)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert "review_overdue" in codes(open_decision)
        services.reflection_add(
            decision=open_decision, by=superintendent, what_happened="Fine", verdict="keep"
        )
        assert "review_overdue" not in codes(open_decision)


def test_open_decision_has_no_flags(open_decision):
    assert codes(open_decision) == set()


def test_flags_are_stored_for_lists_and_shown_on_the_decision(
    open_decision, superintendent, client_for
):
    decided(open_decision, superintendent, rationale="")
    assert "no_rationale" in open_decision.flag_codes
    body = client_for(superintendent).get(open_decision.get_absolute_url()).content.decode()
    assert "Process integrity" in body
    assert "without a rationale" in body


def test_steward_sees_their_teams_flags_first_on_home(
    open_decision, superintendent, principal, client_for
):
    decided(open_decision, superintendent, rationale="")
    body = client_for(principal).get("/").content.decode()  # the principal stewards the team
    assert "Flagged in the teams you steward" in body
    assert open_decision.title in body
    body = client_for(superintendent).get("/").content.decode()
    assert "Flagged in the teams you steward" not in body
