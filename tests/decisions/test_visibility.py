"""Who sees what: each rule of the design, and attempts to get around it."""

import datetime

import pytest
from django.urls import reverse

from decisions.models import Decision, Involvement, Visibility
from districts.models import User

pytestmark = pytest.mark.django_db


def visible(user):
    return set(Decision.objects.visible_to(user))


@pytest.fixture
def published(make_decision):
    def make(visibility, **kwargs):
        return make_decision(
            f"{visibility} one", visibility=visibility, status="deciding", **kwargs
        )

    return make


def test_public_decision_is_seen_by_everyone_of_the_district(
    published, teacher, community_member, student, superintendent
):
    decision = published(Visibility.PUBLIC)
    for person in (teacher, community_member, superintendent):
        assert decision in visible(person)


def test_public_decision_is_not_seen_by_another_district_signed_in(published, outsider, client_for):
    decision = published(Visibility.PUBLIC)
    assert decision not in visible(outsider)
    response = client_for(outsider).get(reverse("decisions:detail", args=[decision.pk]))
    assert response.status_code == 404


def test_district_decision_is_seen_by_staff_but_not_community(
    published, teacher, community_member, principal
):
    decision = published(Visibility.DISTRICT)
    assert decision in visible(teacher)
    assert decision in visible(principal)
    assert decision not in visible(community_member)


def test_community_member_who_is_a_stakeholder_sees_a_district_decision(
    published, community_member
):
    decision = published(
        Visibility.DISTRICT,
        stakeholders=[{"kind": "person", "person": community_member, "involvement": "consulted"}],
    )
    assert decision in visible(community_member)


def test_stakeholder_decision_is_hidden_from_a_teacher_who_is_not_a_stakeholder(
    published, teacher, school, make_person_in, district, other_school, client_for
):
    elsewhere = make_person_in(district, "teacher", "Far Away", "far@cedar.example", [])
    decision = published(
        Visibility.STAKEHOLDERS,
        stakeholders=[{"kind": "school", "school": school, "involvement": "affected"}],
    )
    assert decision in visible(teacher)
    assert decision not in visible(elsewhere)
    response = client_for(elsewhere).get(reverse("decisions:detail", args=[decision.pk]))
    assert response.status_code == 404


def test_a_teacher_who_joins_the_school_sees_its_stakeholder_decisions(
    published, school, make_person_in, district
):
    newcomer = make_person_in(district, "teacher", "New One", "new@cedar.example", [])
    decision = published(
        Visibility.STAKEHOLDERS,
        stakeholders=[
            {"kind": "role", "role": "teacher", "school": school, "involvement": "consulted"}
        ],
    )
    assert decision not in visible(newcomer)
    newcomer.schools.add(school)
    # Their next page loads them afresh, with their new school.
    assert decision in visible(User.objects.get(pk=newcomer.pk))


def test_stakeholder_decision_is_seen_by_the_owning_team(published, principal):
    decision = published(Visibility.STAKEHOLDERS)
    assert decision in visible(principal)


def test_team_decision_is_only_for_the_owning_team(
    published, teacher, principal, superintendent, school, community_member
):
    decision = published(
        Visibility.TEAM,
        stakeholders=[{"kind": "school", "school": school, "involvement": Involvement.AFFECTED}],
    )
    assert decision in visible(principal)
    assert decision in visible(superintendent)
    assert decision not in visible(teacher)
    assert decision not in visible(community_member)


def test_drafts_are_seen_by_the_team_and_writer_only(make_decision, teacher, principal):
    draft = make_decision(visibility=Visibility.PUBLIC)
    assert draft in visible(principal)
    assert draft not in visible(teacher)


def test_signed_out_visitor_sees_nothing_through_the_queryset(published):
    from django.contrib.auth.models import AnonymousUser

    published(Visibility.PUBLIC)
    assert list(Decision.objects.visible_to(AnonymousUser())) == []


def test_public_page_lists_public_decisions_without_sign_in(published, client, district):
    public = published(Visibility.PUBLIC)
    hidden = published(Visibility.DISTRICT)
    response = client.get(reverse("decisions:public", args=[district.slug]))
    assert response.status_code == 200
    assert public.title in response.content.decode()
    assert hidden.title not in response.content.decode()


def test_public_page_never_shows_drafts_or_another_district(
    make_decision, client, other_district, other_decision, district
):
    draft = make_decision("Secret draft", visibility=Visibility.PUBLIC)
    body = client.get(reverse("decisions:public", args=[district.slug])).content.decode()
    assert draft.title not in body
    assert other_decision.title not in body
    assert client.get(reverse("decisions:public", args=["nowhere"])).status_code == 404


def test_lists_and_exports_leave_out_what_a_person_may_not_see(published, teacher, client_for):
    team_only = published(Visibility.TEAM)
    shared = published(Visibility.DISTRICT)
    client = client_for(teacher)
    for url in (
        reverse("decisions:list"),
        reverse("decisions:export"),
        reverse("decisions:flagged"),
    ):
        body = client.get(url).content.decode()
        assert team_only.title not in body, url
    assert shared.title in client.get(reverse("decisions:list")).content.decode()


def test_every_decision_url_of_another_district_is_404(other_decision, client_for, superintendent):
    client = client_for(superintendent)
    pk = other_decision.pk
    for name in ("detail", "edit", "input_csv", "open", "decide", "reflect"):
        assert client.get(reverse(f"decisions:{name}", args=[pk])).status_code == 404, name
    for name in ("input", "move", "stakeholder_add", "principle_test", "supersede"):
        assert (
            client.post(reverse(f"decisions:{name}", args=[pk]), {"action": "close"}).status_code
            == 404
        ), name


def test_visible_to_is_one_query_after_the_persons_groups(
    published, teacher, django_assert_num_queries
):
    for _ in range(3):
        published(Visibility.STAKEHOLDERS)
    with django_assert_num_queries(2):
        list(Decision.objects.visible_to(teacher))
    # The person's teams and schools are read once per request (per user object).
    with django_assert_num_queries(1):
        list(Decision.objects.visible_to(teacher))


def test_a_principal_who_left_the_team_loses_its_team_decision_on_the_next_page(
    published, principal, client_for
):
    from districts.models import TeamMembership

    decision = published(Visibility.TEAM)
    client = client_for(principal)
    url = reverse("decisions:detail", args=[decision.pk])
    assert client.get(url).status_code == 200
    TeamMembership.objects.filter(user=principal).update(left_on=datetime.date.today())
    # The next request loads the principal with their current teams (the sign-in backend).
    assert client.get(url).status_code == 404
    assert decision not in visible(User.objects.get(pk=principal.pk))
