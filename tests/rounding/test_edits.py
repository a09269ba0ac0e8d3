"""Editing and removing what rounding recorded: the author or a district leader, history kept."""

import datetime

import pytest
from django.urls import reverse

from notifications.models import Notification
from rounding import services
from rounding.models import (
    Celebration,
    Conversation,
    FollowUp,
    RoundingChange,
    RoundingVisit,
    SchoolCoverage,
)

pytestmark = pytest.mark.django_db


def test_leader_edits_a_conversation_and_the_earlier_version_is_kept(
    client_for, superintendent, conversation, cook, theme
):
    url = reverse("rounding:conversation_edit", args=[conversation.pk])
    client = client_for(superintendent)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"person": cook.pk, "working": "The menu is a hit.", "themes": [theme.pk]}
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.working == "The menu is a hit."
    change = RoundingChange.objects.get()
    assert (change.action, change.kind, change.by) == ("edited", "conversation", superintendent)
    assert change.before["working"] == "The new menu is popular."
    assert change.before["themes"] == [theme.name]
    page = client.get(reverse("rounding:visit", args=[conversation.visit_id]))
    assert "Changes to this visit" in page.text
    # The tab's title is the visit's, not the history's markup.
    title = page.text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == f"Visit to {conversation.visit.school.name} · Roundtable"


def test_removal_asks_first_then_removes_and_recounts_coverage(
    client_for, superintendent, conversation, school
):
    url = reverse("rounding:conversation_remove", args=[conversation.pk])
    client = client_for(superintendent)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Yes, remove it" in confirm.text
    assert Conversation.objects.exists()
    assert SchoolCoverage.objects.get(school=school).last_visit is not None
    assert client.post(url).status_code == 302
    assert not Conversation.objects.exists()
    # The visit met nobody now: it no longer counts.
    assert SchoolCoverage.objects.get(school=school).last_visit is None
    kept = RoundingChange.objects.get()
    assert kept.action == "removed" and kept.before["concerns"].startswith("The walk-in")


def test_a_visitor_edits_their_visits_conversations_but_not_others(
    client_for, principal, superintendent, school, cook, conversation
):
    mine = services.visit_start(school=school, by=principal, date=datetime.date(2026, 10, 6))
    talk = services.conversation_add(visit=mine, person=cook, working="Fine")
    client = client_for(principal)
    assert client.get(reverse("rounding:conversation_edit", args=[talk.pk])).status_code == 200
    # The superintendent's visit: the principal cannot even see it.
    assert (
        client.post(reverse("rounding:conversation_remove", args=[conversation.pk])).status_code
        == 404
    )
    assert Conversation.objects.filter(pk=conversation.pk).exists()


def test_teacher_and_another_district_cannot_edit_or_remove(
    client_for, teacher, outsider, conversation, follow_up, celebration
):
    for client in (client_for(teacher), client_for(outsider)):
        for name, pk in [
            ("conversation_edit", conversation.pk),
            ("conversation_remove", conversation.pk),
            ("visit_edit", conversation.visit_id),
            ("visit_remove", conversation.visit_id),
            ("follow_up_remove", follow_up.pk),
        ]:
            assert client.post(reverse(f"rounding:{name}", args=[pk])).status_code in (403, 404)
        assert client.post(
            reverse("rounding:celebration_remove", args=[celebration.pk])
        ).status_code in (403, 404)
    assert Conversation.objects.exists() and FollowUp.objects.exists()
    assert Celebration.objects.exists() and RoundingVisit.objects.exists()
    assert not RoundingChange.objects.exists()


def test_owner_who_did_not_write_the_follow_up_cannot_remove_it(client_for, principal, follow_up):
    response = client_for(principal).post(reverse("rounding:follow_up_remove", args=[follow_up.pk]))
    assert response.status_code == 403
    assert FollowUp.objects.exists()


def test_author_removes_a_follow_up_and_the_copy_is_kept(client_for, superintendent, follow_up):
    response = client_for(superintendent).post(
        reverse("rounding:follow_up_remove", args=[follow_up.pk])
    )
    assert response.status_code == 302
    assert not FollowUp.objects.exists()
    assert RoundingChange.objects.get().before["what"] == "Replace the freezer door seal"


def test_the_owner_learns_that_their_follow_up_was_removed(
    client_for, superintendent, principal, follow_up
):
    client_for(superintendent).post(reverse("rounding:follow_up_remove", args=[follow_up.pk]))
    notice = Notification.objects.filter(recipient=principal).latest("pk")
    assert "was removed: Replace the freezer door seal" in notice.subject
    assert client_for(principal).get(notice.url).status_code == 200


def test_a_visit_cannot_be_moved_into_the_future_or_past_its_follow_ups(
    client_for, superintendent, conversation, follow_up
):
    url = reverse("rounding:visit_edit", args=[conversation.visit_id])
    client = client_for(superintendent)
    future = client.post(url, {"date": "2099-01-01", "purpose": "Keep"})
    assert future.status_code == 200 and "cannot be dated in the future" in future.text
    late = client.post(url, {"date": "2026-10-25", "purpose": "Keep"})
    assert late.status_code == 200 and "due before the visit" in late.text
    assert not RoundingChange.objects.exists()
    assert client.post(url, {"date": "2026-10-04", "purpose": "Lunch"}).status_code == 302
    assert RoundingVisit.objects.get().date == datetime.date(2026, 10, 4)


def test_removing_a_visit_keeps_each_conversation_in_the_history(
    client_for, superintendent, conversation, school
):
    visit_id = conversation.visit_id
    assert (
        client_for(superintendent)
        .post(reverse("rounding:visit_remove", args=[visit_id]))
        .status_code
        == 302
    )
    assert not RoundingVisit.objects.exists()
    kinds = sorted(RoundingChange.objects.values_list("kind", flat=True))
    assert kinds == ["conversation", "visit"]
    assert SchoolCoverage.objects.get(school=school).last_visit is None


def test_celebration_is_edited_by_who_recorded_it(
    client_for, superintendent, principal, celebration
):
    url = reverse("rounding:celebration_edit", args=[celebration.pk])
    assert client_for(principal).post(url, {"name": "x", "what": "y"}).status_code in (403, 404)
    response = client_for(superintendent).post(
        url, {"name": "The kitchen team", "what": "Forty recipes", "shared": "on"}
    )
    assert response.status_code == 302
    celebration.refresh_from_db()
    assert celebration.what == "Forty recipes"
