"""Loopback: the author of input learns what the deciders did with it, anonymous or named."""

import pytest
from django.urls import reverse

from decisions import services
from decisions.models import Involvement
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def loopbacks(**filters):
    return Notification.objects.filter(kind="decisions.loopback", **filters)


def test_a_named_author_is_told_when_their_input_is_answered(
    open_decision, teacher, superintendent
):
    entry = services.input_give(decision=open_decision, by=teacher, kind="concern", text="Buses.")
    services.input_respond(
        entry=entry, by=superintendent, response="We moved the buses.", changed_decision=True
    )
    notice = loopbacks(recipient=teacher).get()
    assert "changed the decision because of your input" in notice.subject
    assert notice.body == "We moved the buses."


def test_a_ruling_on_a_named_objection_reaches_its_author(open_decision, teacher, superintendent):
    entry = services.input_give(decision=open_decision, by=teacher, kind="objection", text="No.")
    services.input_resolve(
        entry=entry, by=superintendent, resolution="not_paramount", note="Outside our remit."
    )
    assert "ruled on your input" in loopbacks(recipient=teacher).get().subject


def test_anonymous_input_leaves_no_notice_and_its_author_finds_the_answer_in_my_input(
    open_decision, teacher, principal, superintendent, client_for
):
    entry = services.input_give(
        decision=open_decision, by=teacher, kind="concern", text="Childcare.", anonymous=True
    )
    before = Notification.objects.count()
    services.input_respond(
        entry=entry, by=superintendent, response="A fund for childcare.", changed_decision=True
    )
    assert Notification.objects.count() == before
    body = client_for(teacher).get(reverse("decisions:my_input")).content.decode()
    assert "Childcare." in body and "A fund for childcare." in body and "Anonymous" in body
    other = client_for(principal).get(reverse("decisions:my_input")).content.decode()
    assert "Childcare." not in other


def test_the_decided_notice_tells_everyone_where_answers_are(open_decision, superintendent):
    from .conftest import decided

    decided(open_decision, superintendent)
    bodies = set(
        Notification.objects.filter(kind="decisions.decided").values_list("body", flat=True)
    )
    assert len(bodies) == 1 and "“My input”" in bodies.pop()


def test_my_input_stays_within_the_query_budget(
    open_decision, teacher, client_for, django_assert_max_num_queries
):
    for i in range(5):
        services.input_give(decision=open_decision, by=teacher, kind="idea", text=f"Idea {i}")
    client = client_for(teacher)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("decisions:my_input")).status_code == 200


def test_affects_me_lists_informed_people_with_their_role_and_responded_state(
    open_decision, make_decision, teacher, community_member, superintendent, client_for
):
    informed = make_decision(
        "Informed only",
        visibility="district",
        stakeholders=[
            {"kind": "person", "person": community_member, "involvement": Involvement.INFORMED}
        ],
        status="deciding",
    )
    body = client_for(community_member).get(reverse("decisions:affects_me")).content.decode()
    assert informed.title in body and ">Informed<" in body
    client = client_for(teacher)
    body = client.get(reverse("decisions:affects_me")).content.decode()
    assert ">Consulted<" in body and "Waiting for your input" in body
    services.input_give(
        decision=open_decision, by=teacher, kind="idea", text="Pilot.", anonymous=True
    )
    body = client.get(reverse("decisions:affects_me")).content.decode()
    assert "You have responded" in body and "Waiting for your input" not in body
