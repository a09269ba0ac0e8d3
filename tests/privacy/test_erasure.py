"""Erasure of a person who left: "a former teacher" everywhere, history whole, anonymity kept."""

import datetime
import json

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse

from api.models import ApiToken
from decisions.models import Input
from decisions.models.related import anonymous_key
from districts.models import AuditEntry, User
from notifications.models import Notification
from privacy.erasure import person_erase
from privacy.person_data import person_data
from rounding.models import Conversation, RoundingVisit


@pytest.fixture
def admin(superintendent):
    superintendent.is_district_admin = True
    superintendent.save()
    return superintendent


@pytest.fixture
def left(teacher):
    teacher.is_active = False
    teacher.save()
    return teacher


@pytest.fixture
def past(district, school, decision_at, teacher, principal, superintendent):
    decision = decision_at(school)
    for author in (teacher, principal):
        Input.objects.create(
            district=district, decision=decision, kind="concern", text=f"Anonymous {author.pk}",
            is_anonymous=True, anonymous_key=anonymous_key(decision.pk, author.pk),
        )  # fmt: skip
    Input.objects.create(
        district=district, decision=decision, kind="support", text="Named words", author=teacher
    )
    visit = RoundingVisit.objects.create(
        district=district, school=school, date=datetime.date(2026, 10, 1)
    )
    visit.visitors.add(superintendent)
    Conversation.objects.create(
        district=district, visit=visit, person=teacher, role_group="teacher",
        concerns="Charlie Ramos says the copier is broken",
    )  # fmt: skip
    Notification.objects.create(district=district, recipient=teacher, kind="t", subject="Hi")
    ApiToken.objects.create(
        district=district, user=teacher, name="report", shown="x", key_hash="h" * 64
    )
    session = SessionStore()
    session["_auth_user_id"] = str(teacher.pk)
    session.create()
    return decision


def anonymous_rows():
    return sorted(
        Input.objects.filter(is_anonymous=True).values_list("id", "text", "anonymous_key")
    )


def test_an_erased_person_becomes_a_former_teacher_with_history_kept(admin, left, past):
    person_erase(person=left, by=admin)
    left.refresh_from_db()
    assert left.name == "A former teacher"
    assert left.email is None and not left.has_usable_password() and not left.is_active
    named = Input.objects.get(text="Named words")
    assert named.author_id == left.pk and named.author_label == "A former teacher"
    conversation = Conversation.objects.get(person=left)
    assert conversation.concerns == "" and conversation.role_group == "teacher"
    assert not Notification.objects.filter(recipient=left).exists()
    assert not ApiToken.objects.filter(user=left).exists()
    assert not Session.objects.exists()


def test_erasure_touches_no_anonymous_input(admin, left, past):
    before = anonymous_rows()
    person_erase(person=left, by=admin)
    assert anonymous_rows() == before


def test_nothing_after_erasure_points_at_the_erased_persons_anonymous_input(
    admin, left, past, district
):
    person_erase(person=left, by=admin)
    entry = AuditEntry.objects.filter(district=district).order_by("-pk").first()
    assert "anonymous" not in entry.changes.lower() and "input" not in entry.changes.lower()
    made = json.dumps(person_data(User.objects.get(pk=left.pk), own=False))
    assert "Anonymous" not in made and "Charlie" not in made


def test_the_admin_log_forgets_the_erased_persons_name(admin, left, past, district):
    AuditEntry.objects.create(
        district=district, actor_name="Alice", action="change", object_type="user",
        object_id=str(left.pk), object_label="Charlie Ramos",
        changes="e-mail: charlie@cedar.example → (empty)",
    )  # fmt: skip
    person_erase(person=left, by=admin)
    text = " ".join(
        f"{e.object_label} {e.changes}" for e in AuditEntry.objects.filter(district=district)
    )
    assert "Charlie" not in text and "charlie@cedar.example" not in text
    assert "A former teacher" in text


def test_a_person_still_active_cannot_be_erased(admin, teacher):
    with pytest.raises(ValidationError):
        person_erase(person=teacher, by=admin)
    teacher.refresh_from_db()
    assert teacher.name == "Charlie Ramos"


def test_erasing_asks_for_the_name_typed_back_and_keeps_a_wrong_one(client_for, admin, left):
    client = client_for(admin)
    url = reverse("privacy:erase", args=[left.pk])
    response = client.post(url, {"confirm": "Charlie"})
    assert response.status_code == 400
    assert 'value="Charlie"' in response.content.decode()
    left.refresh_from_db()
    assert left.name == "Charlie Ramos"
    assert client.post(url, {"confirm": "charlie ramos"}).status_code == 302
    left.refresh_from_db()
    assert left.name == "A former teacher"


def test_only_the_districts_administrators_may_erase(client_for, teacher, outsider, principal):
    principal.is_active = False
    principal.save()
    url = reverse("privacy:erase", args=[principal.pk])
    assert client_for(teacher).post(url, {"confirm": "Bob Lindqvist"}).status_code == 404
    outsider.is_district_admin = True
    outsider.save()
    assert client_for(outsider).post(url, {"confirm": "Bob Lindqvist"}).status_code == 404
    principal.refresh_from_db()
    assert principal.name == "Bob Lindqvist"
