"""The decision-rights map, changed in the app by the district's leaders, with its history."""

import pytest
from django.urls import reverse

from decisions.integrity import refresh_flags
from decisions.models import DecisionRight, DecisionRightChange

from .conftest import decided

pytestmark = pytest.mark.django_db

LINE = {"domain": "schedule", "level": "district", "role": "", "authority": "decides", "note": ""}


def test_a_district_leader_adds_and_removes_a_line_and_both_are_kept(
    superintendent, team, client_for
):
    client = client_for(superintendent)
    response = client.post(reverse("decisions:right_add"), {**LINE, "team": team.pk})
    assert response.status_code == 302
    right = DecisionRight.objects.get()
    body = client.get(reverse("decisions:rights")).content.decode()
    assert "Added" in body and superintendent.name in body
    client.post(reverse("decisions:right_remove", args=[right.pk]))
    assert not DecisionRight.objects.exists()
    history = list(DecisionRightChange.objects.values_list("action", "actor_id"))
    assert sorted(history) == [("added", superintendent.pk), ("removed", superintendent.pk)]


def test_a_line_needs_a_team_or_a_role_and_keeps_what_was_typed(superintendent, team, client_for):
    response = client_for(superintendent).post(
        reverse("decisions:right_add"),
        {**LINE, "note": "Calendar", "role": "teacher", "team": team.pk},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "not both" in body and 'value="Calendar"' in body


def test_others_cannot_change_the_map(principal, teacher, client_for, district, team, outsider):
    right = DecisionRight.objects.create(
        district=district, domain="budget", level="school", role="principal", authority="decides"
    )
    for person in (principal, teacher):
        client = client_for(person)
        assert (
            client.post(reverse("decisions:right_add"), {**LINE, "team": team.pk}).status_code
            == 404
        )
        assert client.post(reverse("decisions:right_remove", args=[right.pk])).status_code == 404
        assert (
            "Add a line to the map" not in client.get(reverse("decisions:rights")).content.decode()
        )
    assert DecisionRight.objects.count() == 1


def test_a_leader_of_another_district_gets_a_404(
    make_person_in, other_district, district, client_for
):
    right = DecisionRight.objects.create(
        district=district, domain="budget", level="school", role="principal", authority="decides"
    )
    leader = make_person_in(other_district, "superintendent", "Other Sup", "os@harbor.example")
    response = client_for(leader).post(reverse("decisions:right_remove", args=[right.pk]))
    assert response.status_code == 404
    assert DecisionRight.objects.filter(pk=right.pk).exists()


def test_with_no_rights_mapped_nothing_is_flagged_and_the_page_says_so(
    open_decision, superintendent, teacher, client_for, team, django_capture_on_commit_callbacks
):
    decided(open_decision, superintendent)
    assert "no_right" not in {f.code for f in refresh_flags(open_decision)}
    body = client_for(teacher).get(reverse("decisions:rights")).content.decode()
    assert "No decision rights are mapped yet" in body
    # Once the map has a line, a decider without the right is flagged after the change.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(superintendent).post(
            reverse("decisions:right_add"), {**LINE, "domain": "budget", "team": team.pk}
        )
    open_decision.refresh_from_db()
    assert "no_right" in open_decision.flag_codes


def test_the_rights_page_stays_within_the_query_budget(
    superintendent, team, client_for, django_assert_max_num_queries
):
    client = client_for(superintendent)
    for domain in ("schedule", "budget", "policy"):
        client.post(reverse("decisions:right_add"), {**LINE, "domain": domain, "team": team.pk})
    with django_assert_max_num_queries(12):
        assert client.get(reverse("decisions:rights")).status_code == 200
