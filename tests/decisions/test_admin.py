"""The admin keeps history: decisions are withdrawn, not deleted, and stakeholder edits are events."""

import pytest
from django.urls import reverse

from decisions import services
from decisions.models import Decision, DecisionEvent, Input, Reflection, Stakeholder, Status

from .conftest import admin_change_data, decided

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client_for, admin_user):
    return client_for(admin_user)


def change_url(decision):
    return reverse("admin:decisions_decision_change", args=[decision.pk])


def stakeholder_events(decision):
    return list(
        DecisionEvent.objects.filter(decision=decision, kind=DecisionEvent.Kind.STAKEHOLDER)
        .order_by("pk")
        .values_list("note", "old", "new", "actor__name")
    )


def test_the_admin_cannot_delete_a_decision(admin, open_decision):
    response = admin.get(reverse("admin:decisions_decision_delete", args=[open_decision.pk]))
    assert response.status_code == 403
    admin.post(reverse("admin:decisions_decision_delete", args=[open_decision.pk]), {"post": "yes"})
    assert Decision.objects.filter(pk=open_decision.pk).exists()


def test_the_decision_list_offers_withdraw_and_no_delete_action(admin, open_decision):
    response = admin.get(reverse("admin:decisions_decision_changelist"))
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions
    assert "withdraw" in actions
    response = admin.post(
        reverse("admin:decisions_decision_changelist"),
        {"action": "delete_selected", "_selected_action": [open_decision.pk], "post": "yes"},
    )
    assert Decision.objects.filter(pk=open_decision.pk).exists()


def test_withdrawing_in_the_admin_keeps_the_history(admin, admin_user, open_decision):
    events_before = open_decision.events.count()
    admin.post(
        reverse("admin:decisions_decision_changelist"),
        {"action": "withdraw", "_selected_action": [open_decision.pk]},
    )
    open_decision.refresh_from_db()
    assert open_decision.status == Status.WITHDRAWN
    event = open_decision.events.order_by("pk").last()
    assert open_decision.events.count() == events_before + 1
    assert (event.kind, event.actor, event.new) == ("status", admin_user, "Withdrawn")


def test_withdrawing_a_decided_decision_in_the_admin_is_refused_with_a_message(
    admin, open_decision, superintendent
):
    decided(open_decision, superintendent)
    response = admin.post(
        reverse("admin:decisions_decision_changelist"),
        {"action": "withdraw", "_selected_action": [open_decision.pk]},
        follow=True,
    )
    assert "left as it is" in response.content.decode()
    open_decision.refresh_from_db()
    assert open_decision.status == Status.DECIDED


@pytest.mark.parametrize(
    "model", ["decisionevent", "input", "reflection", "stakeholder", "decision"]
)
def test_the_admin_has_no_delete_for_history(admin, open_decision, superintendent, teacher, model):
    services.input_give(decision=open_decision, by=teacher, kind="idea", text="Named")
    decided(open_decision, superintendent)
    services.reflection_add(
        decision=open_decision, by=superintendent, what_happened="Fine", verdict="keep"
    )
    rows = {
        "decisionevent": DecisionEvent.objects.filter(decision=open_decision).first(),
        "input": Input.objects.filter(decision=open_decision).first(),
        "reflection": Reflection.objects.filter(decision=open_decision).first(),
        "stakeholder": Stakeholder.objects.filter(decision=open_decision).first(),
        "decision": open_decision,
    }
    row = rows[model]
    url = reverse(f"admin:decisions_{model}_delete", args=[row.pk])
    assert admin.post(url, {"post": "yes"}).status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()


def test_deleting_a_stakeholder_person_in_the_admin_is_refused(
    admin, make_decision, teacher, superintendent
):
    decision = make_decision(
        status="deciding",
        stakeholders=[{"kind": "person", "person": teacher, "involvement": "consulted"}],
    )
    response = admin.post(
        reverse("admin:districts_user_delete", args=[teacher.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert decision.stakeholders.filter(person=teacher).exists()


def test_deleting_a_district_with_decisions_in_the_admin_is_refused(admin, open_decision, district):
    admin.post(reverse("admin:districts_district_delete", args=[district.pk]), {"post": "yes"})
    assert type(district).objects.filter(pk=district.pk).exists()
    assert Decision.objects.filter(pk=open_decision.pk).exists()
    assert open_decision.events.exists()


def test_adding_a_stakeholder_in_the_admin_inline_is_an_event(
    admin, admin_user, open_decision, teacher
):
    data = admin_change_data(admin.get(change_url(open_decision)))
    index = int(data["stakeholders-TOTAL_FORMS"])
    data["stakeholders-TOTAL_FORMS"] = str(index + 1)
    data.update(
        {
            f"stakeholders-{index}-kind": "person",
            f"stakeholders-{index}-person": str(teacher.pk),
            f"stakeholders-{index}-involvement": "informed",
        }
    )
    before = stakeholder_events(open_decision)
    response = admin.post(change_url(open_decision), data)
    assert response.status_code == 302
    added = open_decision.stakeholders.get(person=teacher)
    assert added.district_id == open_decision.district_id
    assert stakeholder_events(open_decision) == [
        *before,
        ("added", "", str(added), admin_user.name),
    ]


def test_changing_a_stakeholder_in_the_admin_inline_is_an_event(admin, admin_user, open_decision):
    stakeholder = open_decision.stakeholders.get(involvement="consulted")
    was = str(stakeholder)
    data = admin_change_data(admin.get(change_url(open_decision)))
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-id") and value == str(stakeholder.pk)
    )
    data[f"stakeholders-{index}-involvement"] = "informed"
    before = stakeholder_events(open_decision)
    assert admin.post(change_url(open_decision), data).status_code == 302
    stakeholder.refresh_from_db()
    assert stakeholder.involvement == "informed"
    assert stakeholder_events(open_decision) == [
        *before,
        ("changed", was, str(stakeholder), admin_user.name),
    ]


def test_removing_a_stakeholder_in_the_admin_inline_is_an_event(admin, admin_user, open_decision):
    stakeholder = open_decision.stakeholders.get(involvement="consulted")
    was = str(stakeholder)
    data = admin_change_data(admin.get(change_url(open_decision)))
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-id") and value == str(stakeholder.pk)
    )
    data[f"stakeholders-{index}-DELETE"] = "on"
    before = stakeholder_events(open_decision)
    assert admin.post(change_url(open_decision), data).status_code == 302
    assert not Stakeholder.objects.filter(pk=stakeholder.pk).exists()
    assert stakeholder_events(open_decision) == [
        *before,
        ("removed", was, "", admin_user.name),
    ]


def test_saving_the_admin_form_unchanged_records_nothing(admin, open_decision):
    # The app's forms keep whole minutes, as the admin's does.
    Decision.objects.filter(pk=open_decision.pk).update(
        input_opens=open_decision.input_opens.replace(second=0, microsecond=0),
        input_closes=open_decision.input_closes.replace(second=0, microsecond=0),
    )
    before = open_decision.events.count()
    data = admin_change_data(admin.get(change_url(open_decision)))
    assert admin.post(change_url(open_decision), data).status_code == 302
    assert list(open_decision.events.values_list("field", "old", "new"))[before:] == []
