import datetime
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from decisions import services
from decisions.models import (
    Decision,
    DecisionEvent,
    Involvement,
    Stakeholder,
    Status,
    people_of,
)
from districts.models import TeamMembership

from .conftest import decided

pytestmark = pytest.mark.django_db


def test_decisions_are_numbered_per_district_and_year(make_decision, other_decision):
    first = make_decision("One")
    second = make_decision("Two")
    year = timezone.now().year
    assert first.number == f"D-{year}-001"
    assert second.number == f"D-{year}-002"
    assert other_decision.number == f"D-{year}-001"


@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_when_decisions_are_created_at_once(district, team, superintendent):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    errors = []

    def create(i):
        try:
            services.decision_create(
                district=district, by=superintendent, title=f"D{i}", context="c", owning_team=team
            )
        except Exception as error:  # pragma: no cover - shown on failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = list(Decision.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 6
    assert all(re.fullmatch(r"D-\d{4}-00[1-6]", n) for n in numbers)


def test_opening_input_needs_a_window(make_decision, superintendent):
    decision = make_decision()
    with pytest.raises(ValidationError, match="input window opens and closes"):
        decision.open_input(by=superintendent)


def test_opening_input_refuses_a_window_already_closed(make_decision, superintendent):
    now = timezone.now()
    decision = make_decision(
        input_opens=now - datetime.timedelta(days=3), input_closes=now - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="already closed"):
        decision.open_input(by=superintendent)


def test_window_must_close_after_it_opens(make_decision):
    now = timezone.now()
    with pytest.raises(ValidationError, match="close after it opens"):
        make_decision(input_opens=now, input_closes=now - datetime.timedelta(hours=1))


def test_opening_input_records_the_change(open_decision):
    event = open_decision.events.get(kind=DecisionEvent.Kind.STATUS)
    assert (event.old, event.new) == ("Draft", "Open for input")
    assert event.actor.name == "Alice Okafor"


def test_deciding_needs_an_outcome(open_decision, superintendent):
    open_decision.close_input(by=superintendent)
    with pytest.raises(ValidationError, match="Write the outcome"):
        open_decision.decide(by=superintendent, outcome="  ")
    open_decision.refresh_from_db()
    assert open_decision.status == Status.DECIDING


def test_a_draft_cannot_be_decided(make_decision, superintendent):
    with pytest.raises(ValidationError, match="Only a decision open for input"):
        make_decision().decide(by=superintendent, outcome="Yes")


def test_deciding_records_outcome_change_and_status(open_decision, superintendent):
    decision = decided(open_decision, superintendent)
    assert decision.status == Status.DECIDED
    assert decision.decided_by == superintendent
    assert decision.decided_at is not None
    fields = list(decision.events.values_list("field", flat=True))
    assert "outcome" in fields and "rationale" in fields


def test_the_whole_lifecycle_in_order(open_decision, superintendent, team):
    decision = decided(open_decision, superintendent)
    decision.start_implementing(by=superintendent)
    decision.start_review(by=superintendent)
    with pytest.raises(ValidationError, match="reflection"):
        decision.close(by=superintendent)
    services.reflection_add(
        decision=decision, by=superintendent, what_happened="Calmer mornings.", verdict="keep"
    )
    decision.close(by=superintendent)
    assert decision.status == Status.CLOSED
    statuses = list(decision.events.filter(kind="status").values_list("new", flat=True))
    assert statuses == [
        "Open for input",
        "Deciding",
        "Decided",
        "Implementing",
        "Reviewing",
        "Closed",
    ]


def test_a_closed_decision_cannot_be_reopened(open_decision, superintendent):
    decision = decided(open_decision, superintendent)
    decision.start_review(by=superintendent)
    services.reflection_add(decision=decision, by=superintendent, what_happened="x", verdict="keep")
    decision.close(by=superintendent)
    with pytest.raises(ValidationError, match="cannot be reopened"):
        decision.open_input(by=superintendent)


def test_deciding_can_reopen_for_more_input_with_a_new_closing_time(open_decision, superintendent):
    open_decision.close_input(by=superintendent)
    with pytest.raises(ValidationError, match="already closed"):
        open_decision.open_input(by=superintendent)
    open_decision.input_closes = timezone.now() + datetime.timedelta(days=2)
    open_decision.open_input(by=superintendent)
    assert open_decision.status == Status.OPEN_FOR_INPUT


def test_closing_input_now_sets_the_closing_time_to_now(open_decision, superintendent):
    before = timezone.now()
    open_decision.close_input(by=superintendent)
    open_decision.refresh_from_db()
    assert before <= open_decision.input_closes <= timezone.now()


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ("start_implementing", "Only a decided decision"),
        ("start_review", "Only a decided or implemented"),
        ("close", "Only a decision under review"),
        ("close_input", "Only a decision that is open"),
    ],
)
def test_refused_transitions_from_draft(make_decision, superintendent, method, message):
    decision = make_decision()
    with pytest.raises(ValidationError, match=message):
        getattr(decision, method)(by=superintendent)
    decision.refresh_from_db()
    assert decision.status == Status.DRAFT


def test_withdrawing_an_open_decision_is_allowed_but_not_a_decided_one(
    open_decision, make_decision, superintendent
):
    open_decision.withdraw(by=superintendent, reason="Budget moved")
    assert open_decision.status == Status.WITHDRAWN
    other = make_decision(status=Status.DECIDING)
    decided(other, superintendent)
    with pytest.raises(ValidationError, match="not been decided"):
        other.withdraw(by=superintendent)


def test_superseding_links_the_newer_decision(open_decision, make_decision, superintendent):
    old = decided(open_decision, superintendent)
    newer = make_decision("Later start, revised")
    services.decision_supersede(decision=old, newer=newer, by=superintendent)
    old.refresh_from_db()
    assert old.status == Status.SUPERSEDED
    assert old.superseded_by == newer
    assert list(newer.supersedes.all()) == [old]


def test_superseding_refuses_itself_another_district_and_undecided(
    open_decision, make_decision, other_decision, superintendent
):
    with pytest.raises(ValidationError, match="Only a decided"):
        open_decision.supersede(by=superintendent, newer=make_decision("x"))
    old = decided(open_decision, superintendent)
    with pytest.raises(ValidationError, match="itself"):
        old.supersede(by=superintendent, newer=old)
    with pytest.raises(ValidationError, match="its district"):
        old.supersede(by=superintendent, newer=other_decision)


def test_history_cannot_be_edited_or_deleted(open_decision):
    event = open_decision.events.first()
    event.new = "Something else"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        DecisionEvent.objects.filter(pk=event.pk).update(new="x")
    with pytest.raises(TypeError):
        DecisionEvent.objects.all().delete()


def test_edits_after_draft_are_recorded_old_to_new(open_decision, superintendent):
    services.decision_update(decision=open_decision, by=superintendent, title="Start at 8:45")
    event = open_decision.events.get(field="title")
    assert (event.old, event.new) == ("Later start for the middle schools", "Start at 8:45")


def test_edits_in_draft_are_not_history(make_decision, superintendent):
    decision = make_decision()
    services.decision_update(decision=decision, by=superintendent, title="New")
    assert not decision.events.filter(field="title").exists()


def test_school_and_team_must_be_of_the_district(make_decision, other_school, other_team):
    with pytest.raises(ValidationError):
        make_decision(school=other_school)
    with pytest.raises(ValidationError):
        make_decision(owning_team=other_team)


def test_groups_resolve_to_people_when_read(
    open_decision, school, teacher, principal, make_person_in, district
):
    consulted = people_of(open_decision, (Involvement.CONSULTED,))
    assert list(consulted) == [teacher]
    newcomer = make_person_in(district, "teacher", "Nina New", "nina@cedar.example", [school])
    assert set(people_of(open_decision, (Involvement.CONSULTED,))) == {teacher, newcomer}
    assert principal in people_of(open_decision, (Involvement.AFFECTED,))


def test_team_stakeholders_follow_current_membership(
    make_decision, team, principal, superintendent
):
    decision = make_decision(
        stakeholders=[{"kind": "team", "team": team, "involvement": "consulted"}]
    )
    assert set(people_of(decision)) == {superintendent, principal}
    TeamMembership.objects.filter(user=principal).update(left_on=datetime.date.today())
    assert set(people_of(decision)) == {superintendent}


def test_stakeholder_must_name_its_group(make_decision, superintendent):
    decision = make_decision()
    with pytest.raises(ValidationError):
        services.stakeholder_add(
            decision=decision, by=superintendent, kind="person", involvement="affected"
        )
    whole = services.stakeholder_add(
        decision=decision, by=superintendent, kind=Stakeholder.Kind.DISTRICT, involvement="informed"
    )
    assert whole.describe() == "The whole district"


def test_stakeholder_from_another_district_is_refused(make_decision, superintendent, outsider):
    with pytest.raises(ValidationError):
        services.stakeholder_add(
            decision=make_decision(),
            by=superintendent,
            kind="person",
            person=outsider,
            involvement="consulted",
        )


def test_a_stale_copy_cannot_move_a_decision_twice(open_decision, superintendent):
    stale = Decision.objects.get(pk=open_decision.pk)
    open_decision.close_input(by=superintendent)
    with pytest.raises(ValidationError, match="open for input"):
        stale.close_input(by=superintendent)
    assert open_decision.events.filter(new="Deciding").count() == 1


def test_changes_in_the_admin_are_kept_in_the_history(
    open_decision, client_for, make_person_in, district
):
    from django.urls import reverse

    admin = make_person_in(district, "district_leader", "Ada Admin", "ada@cedar.example")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = client_for(admin)
    url = reverse("admin:decisions_decision_change", args=[open_decision.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "title": "Changed by the admin",
            "input_opens_0": open_decision.input_opens.strftime("%Y-%m-%d"),
            "input_opens_1": open_decision.input_opens.strftime("%H:%M:%S"),
            "input_closes_0": open_decision.input_closes.strftime("%Y-%m-%d"),
            "input_closes_1": open_decision.input_closes.strftime("%H:%M:%S"),
            "stakeholders-TOTAL_FORMS": "0",
            "stakeholders-INITIAL_FORMS": "0",
        }
    )
    for key in (
        "input_opens",
        "input_closes",
        "decide_by",
        "review_on",
        "budget_amount",
        "created_by",
    ):
        data.pop(key, None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = open_decision.events.get(field="title")
    assert event.new == "Changed by the admin" and event.note == "Changed in the admin"
