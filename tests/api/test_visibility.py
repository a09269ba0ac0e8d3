"""Each rule of who sees what, tried through the API: the pages' rules, no more and no less."""

import datetime
import re

import pytest
from django.utils import timezone

from decisions import services as decision_services
from decisions.models import Input
from principals.models import CheckIn

from .conftest import ANONYMOUS, CONCERN, PRIVATE, SHARED

pytestmark = pytest.mark.django_db

LISTS = ["/decisions", "/visits", "/follow-ups", "/check-ins", "/schools", "/people"]


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


# ----- another district


@pytest.mark.parametrize("path", LISTS)
def test_another_districts_rows_are_never_listed(world, outsider, api_as, path):
    text = api_as(outsider)(path).content.decode()
    for name in ("Later start", "playground", "Alder Creek", "Alice Okafor", "second oven"):
        assert name not in text


def test_another_districts_rows_are_404_by_id(world, outsider, api_as):
    get = api_as(outsider)
    for path in (
        f"/decisions/{world['decision'].pk}",
        f"/decisions/{world['public'].pk}",
        f"/decisions/{world['decision'].pk}/input",
        f"/decisions/{world['decision'].pk}/stakeholders",
        f"/visits/{world['visit'].pk}",
        f"/check-ins/{world['check_in'].pk}",
    ):
        assert get(path).status_code == 404, path
    # Their own rows are there.
    assert get(f"/decisions/{world['elsewhere'].pk}").status_code == 200
    assert get(f"/visits/{world['other_visit'].pk}").status_code == 200


def test_unknown_ids_are_404_and_bad_ones_422(world, superintendent, api_as):
    get = api_as(superintendent)
    assert get("/decisions/987654321").status_code == 404
    for bad in ("0", "-1", "abc", str(2**64)):
        assert get(f"/decisions/{bad}").status_code in (404, 422), bad
    assert get("/decisions", status="nonsense").status_code == 422
    assert get("/decisions", limit="1000").status_code == 422
    assert get("/decisions", school=str(2**70)).status_code == 422
    assert get("/people", q="a\x00b").status_code == 422
    assert get("/visits", date_from="9999-12-31").status_code == 200


def test_filters_keep_to_the_district(world, superintendent, other_school, api_as):
    assert ids(api_as(superintendent)("/decisions", school=other_school.pk)) == set()
    assert ids(api_as(superintendent)("/follow-ups", school=other_school.pk)) == set()


# ----- decisions and their input


def test_a_teacher_sees_the_decisions_their_pages_show(world, teacher, api_as):
    shown = ids(api_as(teacher)("/decisions"))
    assert shown == {world["decision"].pk, world["public"].pk}
    assert api_as(teacher)(f"/decisions/{world['draft'].pk}").status_code == 404


def test_a_community_member_sees_public_decisions_and_staff_only(
    world, community_member, student, api_as
):
    get = api_as(community_member)
    assert ids(get("/decisions")) == {world["public"].pk}
    assert get(f"/decisions/{world['decision'].pk}").status_code == 404
    assert get(f"/decisions/{world['decision'].pk}/input").status_code == 404
    people = get("/people").json()["items"]
    assert student.pk not in {p["id"] for p in people}
    assert all(p["email"] is None for p in people)
    assert ids(get("/visits")) == set()
    assert ids(get("/follow-ups")) == set()
    assert ids(get("/check-ins")) == set()


def test_staff_see_each_others_email(world, teacher, principal, api_as):
    people = {p["id"]: p for p in api_as(teacher)("/people").json()["items"]}
    assert people[principal.pk]["email"] == principal.email


def test_filters_narrow_the_decisions(world, superintendent, api_as):
    get = api_as(superintendent)
    assert ids(get("/decisions", status="draft")) == {world["draft"].pk}
    assert ids(get("/decisions", status="open_for_input", process="consent")) >= {
        world["decision"].pk
    }
    assert ids(get("/decisions", updated_since="2100-12-31")) == set()
    assert len(ids(get("/decisions", updated_since="1900-01-01"))) == 3


def test_an_anonymous_inputs_author_is_never_present(world, teacher, superintendent, api_as):
    response = api_as(superintendent)(f"/decisions/{world['decision'].pk}/input")
    rows = {row["text"]: row for row in response.json()["items"]}
    anonymous = rows[ANONYMOUS]
    assert anonymous["anonymous"] is True
    assert anonymous["author"] is None
    assert set(anonymous) == set(rows["Yes, please"])  # no field of its own
    text = response.content.decode()
    # The random ids and the dates (December holds a "12") are set aside before looking for an id.
    bare = re.sub(r"[0-9a-f-]{36}|\d{4}-\d{2}-\d{2}", "", text)
    assert (
        teacher.name not in text and f": {teacher.pk}," not in bare and str(teacher.pk) not in bare
    )
    named = rows["Yes, please"]
    assert named["author"]["name"] == "Bob Lindqvist"
    assert named["themes"] == ["Transport"]


def _input_seen_by(get, decision) -> str:
    """What a reader gets, with the random ids (different for each row) set aside."""
    text = get(f"/decisions/{decision.pk}/input").content.decode()
    return re.sub(r'"id": ?"[0-9a-f-]{36}"', '"id": "<uuid>"', text)


def test_the_answer_is_the_same_whoever_wrote_the_anonymous_input(
    district, team, superintendent, principal, teacher, community_member, api_as
):
    """Two decisions alike in all but who wrote their anonymous input read the same."""
    now = timezone.now()
    decisions = []
    for writer in (teacher, principal):
        decision = decision_services.decision_create(
            district=district,
            by=superintendent,
            title="Recess length",
            context="Fifteen or twenty minutes.",
            owning_team=team,
            process_type="consent",
            visibility="district",
            input_opens=now - datetime.timedelta(days=1),
            input_closes=now + datetime.timedelta(days=3),
        )
        decision_services.decision_open_input(decision=decision, by=superintendent)
        decision_services.input_give(
            decision=decision, by=writer, kind="concern", text="Too short", anonymous=True
        )
        decisions.append(decision)
    for reader in (superintendent, principal, teacher):
        get = api_as(reader)
        first, second = (_input_seen_by(get, d) for d in decisions)
        assert first == second
        assert "Too short" in first and teacher.name not in first


# ----- rounding


def test_conversation_notes_are_only_for_visitors_and_district_leaders(
    world, superintendent, principal, teacher, api_as
):
    visit = world["visit"]
    shown = api_as(superintendent)(f"/visits/{visit.pk}").json()
    assert [c["concerns"] for c in shown["conversations"]] == [CONCERN]
    for reader in (principal, teacher):
        get = api_as(reader)
        assert ids(get("/visits")) == set()
        assert get(f"/visits/{visit.pk}").status_code == 404
        for path in ("/follow-ups", "/decisions", "/people", "/check-ins"):
            assert CONCERN not in get(path).content.decode()


def test_a_principal_sees_their_schools_follow_ups_without_who_said_what(
    world, principal, teacher, api_as
):
    response = api_as(principal)("/follow-ups")
    assert ids(response) == {world["follow_up"].pk}
    text = response.content.decode()
    assert CONCERN not in text and teacher.name not in text


def test_a_teacher_sees_their_schools_stoplight(world, teacher, api_as):
    assert ids(api_as(teacher)("/follow-ups")) == {world["follow_up"].pk}
    assert ids(api_as(teacher)("/follow-ups", status="green")) == set()


# ----- check-ins


def test_a_private_check_in_note_is_never_present(world, superintendent, principal, api_as):
    check_in = world["check_in"]
    for reader in (superintendent, principal):
        get = api_as(reader)
        for path in ("/check-ins", f"/check-ins/{check_in.pk}"):
            response = get(path)
            assert response.status_code == 200
            text = response.content.decode()
            assert SHARED in text
            assert PRIVATE not in text


def test_shared_notes_are_for_the_pair_and_the_superintendent(
    world, teacher, community_member, make_person_in, district, api_as
):
    leader = make_person_in(district, "district_leader", "Lee Leader", "lee@cedar.example")
    for reader in (teacher, community_member, leader):
        get = api_as(reader)
        assert ids(get("/check-ins")) == set()
        assert get(f"/check-ins/{world['check_in'].pk}").status_code == 404


def test_check_ins_filter_by_pair_and_date(world, principal, api_as):
    get = api_as(principal)
    check_in = world["check_in"]
    assert ids(get("/check-ins", pair=world["pair"].pk)) == {check_in.pk}
    day = check_in.scheduled_at.date().isoformat()
    assert ids(get("/check-ins", date_from=day, date_to=day)) == {check_in.pk} or ids(
        get("/check-ins", date_from=day)
    ) == {check_in.pk}
    assert ids(get("/check-ins", date_from="2100-01-01")) == set()
    assert CheckIn.objects.count() == 1


def test_paging_reads_on_with_next_offset(world, superintendent, api_as):
    get = api_as(superintendent)
    first = get("/decisions", limit=2).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
    second = get("/decisions", limit=2, offset=2).json()
    assert len(second["items"]) == 1 and second["next_offset"] is None
    assert not {r["id"] for r in first["items"]} & {r["id"] for r in second["items"]}
    assert Input.objects.count() == 2
