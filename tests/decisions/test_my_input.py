"""“My input” finds every anonymous input of its author, however many decisions the district has."""

import pytest
from django.urls import reverse

from decisions import services
from decisions.models import Decision, Status, anonymous_key, anonymous_keys
from decisions.selectors import my_input

pytestmark = pytest.mark.django_db

NEWER = 320  # more than the 300 newest decisions "My input" once looked through


def newer_decisions(like: Decision, count: int) -> None:
    Decision.objects.bulk_create(
        Decision(
            district_id=like.district_id,
            number=f"N-{n}",
            title=f"Newer decision {n}",
            context="Later.",
            status=Status.DECIDED,
            visibility=like.visibility,
            owning_team_id=like.owning_team_id,
        )
        for n in range(count)
    )


def test_an_anonymous_input_on_an_old_decision_is_found_among_many_newer(
    open_decision, teacher, principal, client_for, django_assert_max_num_queries
):
    services.input_give(
        decision=open_decision, by=teacher, kind="concern", text="Childcare.", anonymous=True
    )
    services.input_give(
        decision=open_decision, by=principal, kind="concern", text="Parking.", anonymous=True
    )
    newer_decisions(open_decision, NEWER)
    assert Decision.objects.visible_to(teacher).count() > NEWER

    client = client_for(teacher)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("decisions:my_input")).content.decode()

    assert "Childcare." in body and "Anonymous" in body
    assert "Parking." not in body


def test_my_input_reads_only_its_authors_rows(open_decision, teacher, principal):
    mine = services.input_give(
        decision=open_decision, by=teacher, kind="concern", text="Mine", anonymous=True
    )
    services.input_give(decision=open_decision, by=principal, kind="idea", text="Theirs")
    assert list(my_input(teacher)) == [mine]
    assert [entry.text for entry in my_input(principal)] == ["Theirs"]


def test_the_keys_of_many_decisions_are_the_sealed_keys_of_each(teacher):
    ids = [1, 7, 12345, 2**40]
    assert anonymous_keys(ids, teacher.pk) == [anonymous_key(pk, teacher.pk) for pk in ids]
