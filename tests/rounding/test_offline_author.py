"""A save kept on a shared phone is sent only under the sign-in of the person who wrote it."""

import pytest
from django.urls import reverse

from rounding.models import Celebration, Conversation

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_conversation_queued_by_someone_else_is_not_saved_under_my_name(
    client_for, superintendent, principal, visit
):
    visit.visitors.add(principal)
    response = client_for(principal).post(
        reverse("rounding:conversation_add", args=[visit.pk]),
        {"name": "Pat", "role_group": "custodian", "concerns": "Alice heard this."},
        HTTP_X_OFFLINE_AUTHOR=str(superintendent.pk),
        **HTMX,
    )
    assert response.status_code == 409
    assert "someone else" in response.text
    assert not Conversation.objects.exists()


def test_every_rounding_form_refuses_a_queue_that_is_not_mine(
    client_for, superintendent, principal, visit, conversation
):
    visit.visitors.add(principal)
    client = client_for(principal)
    someone_else = {"HTTP_X_OFFLINE_AUTHOR": str(superintendent.pk)}
    for url, data in [
        (
            reverse("rounding:celebration_add", args=[visit.pk]),
            {"celebration-name": "Pat", "celebration-what": "Reading night"},
        ),
        (reverse("rounding:visit_summary", args=[visit.pk]), {"summary": "Alice's summary"}),
        (
            reverse("rounding:conversation_follow_up", args=[conversation.pk]),
            {"what": "Fix the door", "owner": str(principal.pk), "due_on": "2026-10-20"},
        ),
    ]:
        assert client.post(url, data, **someone_else).status_code == 409, url
    visit.refresh_from_db()
    assert visit.summary == ""
    assert not Celebration.objects.filter(name="Pat").exists()
    assert not conversation.follow_ups.exists()


def test_my_own_queue_is_saved_as_usual(client_for, superintendent, visit):
    response = client_for(superintendent).post(
        reverse("rounding:conversation_add", args=[visit.pk]),
        {"name": "Pat", "role_group": "custodian", "concerns": "No spare mop heads."},
        HTTP_X_OFFLINE_AUTHOR=str(superintendent.pk),
        **HTMX,
    )
    assert response.status_code == 200
    assert Conversation.objects.get().concerns == "No spare mop heads."
