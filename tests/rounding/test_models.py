import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rounding import services
from rounding.models import (
    Conversation,
    FollowUp,
    FollowUpStatusChange,
    RoleGroup,
    role_group_of,
)
from rounding.selectors import open_follow_ups

pytestmark = pytest.mark.django_db


def test_follow_up_starts_not_started_with_no_history(follow_up):
    # "In progress" is for its owner to say, not a default.
    assert follow_up.status == FollowUp.Status.NEW
    assert not follow_up.changes.exists()


def test_status_change_writes_history_with_who_old_new_and_reason(follow_up, principal):
    change = follow_up.change_status(to="green", by=principal, reason="Seal replaced on Monday.")
    follow_up.refresh_from_db()
    assert follow_up.status == "green"
    assert (change.by, change.old_status, change.new_status, change.reason) == (
        principal,
        "new",
        "green",
        "Seal replaced on Monday.",
    )
    assert change.district_id == follow_up.district_id


def test_every_transition_is_kept_in_order(follow_up, principal, superintendent):
    follow_up.change_status(to="red", by=principal, reason="No budget until spring.")
    follow_up.change_status(to="yellow", by=superintendent, reason="Budget found.")
    follow_up.change_status(to="green", by=principal)
    steps = [(c.old_status, c.new_status) for c in follow_up.changes.all()]
    assert steps == [("new", "red"), ("red", "yellow"), ("yellow", "green")]


def test_red_needs_a_reason(follow_up, principal):
    with pytest.raises(ValidationError, match="why"):
        follow_up.change_status(to="red", by=principal, reason="  ")
    follow_up.refresh_from_db()
    assert follow_up.status == "new"
    assert not FollowUpStatusChange.objects.exists()


def test_database_refuses_red_without_reason(follow_up):
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.filter(pk=follow_up.pk).update(status="red", reason="")


def test_unknown_status_is_refused(follow_up, principal):
    with pytest.raises(ValidationError):
        follow_up.change_status(to="purple", by=principal)


def test_same_status_twice_is_refused(follow_up, principal):
    with pytest.raises(ValidationError, match="already"):
        follow_up.change_status(to="new", by=principal)


def test_history_is_rolled_back_with_a_failed_change(follow_up, principal, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(FollowUpStatusChange.objects, "create", boom)
    with pytest.raises(RuntimeError):
        follow_up.change_status(to="green", by=principal)
    follow_up.refresh_from_db()
    assert follow_up.status == "new"


def test_open_follow_ups_leaves_out_green_and_orders_by_due_date(
    follow_up, school, superintendent, principal, other_follow_up
):
    later = services.follow_up_create(
        school=school,
        by=superintendent,
        what="Later",
        owner=principal,
        due_on=datetime.date(2026, 12, 1),
    )
    sooner = services.follow_up_create(
        school=school,
        by=superintendent,
        what="Sooner",
        owner=principal,
        due_on=datetime.date(2026, 10, 1),
    )
    red = services.follow_up_create(
        school=school,
        by=superintendent,
        what="Red",
        owner=principal,
        due_on=datetime.date(2026, 11, 1),
    )
    red.change_status(to="red", by=principal, reason="Not ours to fix")
    later.change_status(to="green", by=principal)
    rows = list(open_follow_ups(school_ids=[school.pk]))
    assert rows == [sooner, follow_up, red]
    assert rows[0].owner.name and rows[0].school.name


def test_role_group_comes_from_title_before_role(district, school, make_person_in):
    cook = make_person_in(district, "staff", "Cook", title="Head cook")
    custodian = make_person_in(district, "staff", "C", title="custodian")
    new = make_person_in(district, "teacher", "N", title="New teacher, grade 2")
    kid = make_person_in(district, "student", "K")
    assert [role_group_of(p) for p in (cook, custodian, new, kid)] == [
        RoleGroup.COOK,
        RoleGroup.CUSTODIAN,
        RoleGroup.NEW_TEACHER,
        RoleGroup.STUDENT,
    ]


def test_conversation_with_roster_person_takes_their_role_group(conversation):
    assert conversation.role_group == RoleGroup.COOK
    assert conversation.display_name == "Rosa Ibarra"


def test_conversation_needs_someone(visit):
    with pytest.raises(ValidationError):
        services.conversation_add(visit=visit, role_group="student", working="x")
    assert not Conversation.objects.exists()


def test_conversation_refuses_a_person_from_another_district(visit, outsider):
    with pytest.raises(ValidationError):
        services.conversation_add(visit=visit, person=outsider, working="x")


def test_themes_of_another_district_are_dropped(visit, other_district):
    from districts.models import Theme

    foreign = Theme.objects.create(district=other_district, name="Harbor theme")
    conversation = services.conversation_add(
        visit=visit, name="Ana", role_group="student", working="x", themes=[foreign]
    )
    assert not conversation.themes.exists()


def test_visit_starter_is_always_a_visitor(school, superintendent, outsider):
    visit = services.visit_start(
        school=school, by=superintendent, date=datetime.date(2026, 10, 1), visitors=[outsider]
    )
    assert list(visit.visitors.all()) == [superintendent]


def test_follow_up_owner_is_notified(follow_up, principal):
    from notifications.models import Notification

    notice = Notification.objects.get(recipient=principal)
    assert notice.kind == "rounding.follow_up"
    assert "Rosa" not in notice.subject + notice.body


def test_follow_up_owner_must_be_in_the_district(school, superintendent, outsider):
    with pytest.raises(ValidationError):
        services.follow_up_create(
            school=school,
            by=superintendent,
            what="x",
            owner=outsider,
            due_on=datetime.date(2026, 10, 1),
        )


def test_acknowledging_twice_is_refused(celebration):
    celebration.acknowledge(on=datetime.date(2026, 10, 6))
    with pytest.raises(ValidationError):
        celebration.acknowledge()


def test_student_names_are_found_by_first_name(school, student):
    found = services.student_names_in(school=school, texts=["Talked with eli about lunch."])
    assert found == ["Eli"]
    assert services.student_names_in(school=school, texts=["Elias and Novak"]) == []
