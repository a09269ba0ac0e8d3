"""Each public decision has its own page without sign-in; anything else is a styled 404."""

import pytest
from django.urls import reverse

from decisions import services
from decisions.models import Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_decision(make_decision, superintendent, window, school):
    decision = make_decision(
        "Shared bus routes",
        visibility=Visibility.PUBLIC,
        process_type="consultative",
        status="deciding",
        stakeholders=[{"kind": "school", "school": school, "involvement": "affected"}],
    )
    services.decision_decide(
        decision=decision,
        by=superintendent,
        outcome="Routes are shared from January.",
        rationale="Shorter rides.",
        heard="Families want shorter rides.",
    )
    return decision


def test_a_public_decision_reads_without_sign_in(client, public_decision, district):
    listing = client.get(reverse("decisions:public", args=[district.slug])).content.decode()
    url = reverse("decisions:public_detail", args=[district.slug, public_decision.pk])
    assert url in listing
    body = client.get(url).content.decode()
    for words in (
        "Shared bus routes",
        "Buses, sleep and first period.",
        "Consultative: the deciders ask for input",
        "Routes are shared from January.",
        "Shorter rides.",
        "Families want shorter rides.",
        "Tested against our principles",
    ):
        assert words in body, words


def test_anything_not_public_is_a_styled_404(
    client, open_decision, public_decision, district, other_district
):
    for url in (
        reverse("decisions:public_detail", args=[district.slug, open_decision.pk]),
        reverse("decisions:public_detail", args=[other_district.slug, public_decision.pk]),
        "/no-such-page/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "This page is not here" in response.content.decode()


def test_the_public_page_stays_within_the_query_budget(
    client, public_decision, district, superintendent, django_assert_max_num_queries
):
    services.reflection_add(
        decision=public_decision, by=superintendent, what_happened="Fine.", verdict="keep"
    )
    url = reverse("decisions:public_detail", args=[district.slug, public_decision.pk])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_public_list_is_linked_from_the_sign_in_page_and_each_school(
    client, client_for, district, school, teacher
):
    public_list = reverse("decisions:public", args=[district.slug])
    assert public_list in client.get(reverse("login")).content.decode()
    school_page = client_for(teacher).get(reverse("districts:school", args=[school.pk]))
    assert public_list in school_page.content.decode()
