"""Each guiding principle shows the decisions tested against it; the neglected ones show too."""

import pytest
from django.urls import reverse

from decisions import services
from districts.models import GuidingPrinciple

pytestmark = pytest.mark.django_db


@pytest.fixture
def principles(district):
    return [
        GuidingPrinciple.objects.create(district=district, title=title, position=i)
        for i, title in enumerate(["Students first", "Close to the classroom", "Open books"])
    ]


def test_used_and_neglected_principles(
    principles, open_decision, other_decision, superintendent, teacher, client_for, make_decision
):
    services.principle_test(
        decision=open_decision, principle=principles[0], note="Sleep.", by=superintendent
    )
    hidden = make_decision("A draft only its team sees", by=superintendent)
    services.principle_test(decision=hidden, principle=principles[1], note="x", by=superintendent)
    body = client_for(teacher).get(reverse("decisions:principles")).content.decode()
    used, neglected = body.split("In use")[1], body.split("In use")[0]
    assert "Students first" in used and open_decision.title in used and "1 decision" in used
    # The teacher cannot see the draft: for them that principle is unused this term.
    assert "Close to the classroom" in neglected and "Open books" in neglected
    assert hidden.title not in body and other_decision.title not in body


def test_an_earlier_term_and_bad_dates(principles, open_decision, superintendent, client_for):
    services.principle_test(
        decision=open_decision, principle=principles[0], note="Sleep.", by=superintendent
    )
    client = client_for(superintendent)
    body = client.get(reverse("decisions:principles"), {"since": "2099-01-01"}).content.decode()
    assert "Every principle was used" not in body and "Students first" in body.split("In use")[0]
    assert client.get(reverse("decisions:principles"), {"since": "not a date"}).status_code == 200


def test_the_coverage_page_stays_within_the_query_budget(
    principles, make_decision, superintendent, client_for, django_assert_max_num_queries
):
    for i in range(8):
        decision = make_decision(f"D{i}", status="deciding")
        for principle in principles:
            services.principle_test(
                decision=decision, principle=principle, note="n", by=superintendent
            )
    client = client_for(superintendent)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("decisions:principles")).status_code == 200
