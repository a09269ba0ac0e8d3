"""Nobody can learn who wrote anonymous input: pages, exports, admin, notices, order and time."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from decisions import notices, services
from decisions.models import Input, anonymous_key
from notifications.models import Notification

from .conftest import decided

pytestmark = pytest.mark.django_db

SECRET_TEXT = "The late bus leaves my students stranded"


@pytest.fixture
def anonymous_input(open_decision, teacher):
    return services.input_give(
        decision=open_decision, by=teacher, kind="concern", text=SECRET_TEXT, anonymous=True
    )


@pytest.fixture
def admin_user(make_person_in, district):
    user = make_person_in(district, "district_leader", "Ada Admin", "ada@cedar.example")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def assert_no_author(text: str, teacher):
    # The "add a stakeholder" picker lists the whole roster; it says nothing about input.
    text = re.sub(r"<select.*?</select>", "", text, flags=re.S)
    assert teacher.name not in text
    assert teacher.email not in text
    assert "Charlie" not in text


def test_anonymous_input_keeps_no_link_to_its_author(anonymous_input, teacher):
    anonymous_input.refresh_from_db()
    assert anonymous_input.author is None
    assert anonymous_input.is_anonymous
    assert anonymous_input.anonymous_key != str(teacher.pk)
    assert len(anonymous_input.anonymous_key) == 64  # an HMAC, not an id
    assert not Input.objects.filter(author=teacher).exists()


def test_one_anonymous_input_per_person_per_decision(anonymous_input, open_decision, teacher):
    with pytest.raises(ValidationError, match="already given anonymous input"):
        services.input_give(
            decision=open_decision, by=teacher, kind="idea", text="again", anonymous=True
        )
    services.input_give(
        decision=open_decision, by=teacher, kind="idea", text="named", anonymous=False
    )
    assert open_decision.inputs.count() == 2


def test_two_people_may_each_give_anonymous_input(anonymous_input, open_decision, principal):
    services.input_give(
        decision=open_decision, by=principal, kind="support", text="ok", anonymous=True
    )
    assert open_decision.inputs.filter(is_anonymous=True).count() == 2


def test_decision_page_shows_no_author_to_the_deciders(
    anonymous_input, open_decision, superintendent, client_for, teacher
):
    body = client_for(superintendent).get(open_decision.get_absolute_url()).content.decode()
    assert SECRET_TEXT in body
    assert "Anonymous" in body
    assert_no_author(body, teacher)
    assert anonymous_input.anonymous_key not in body


def test_decision_page_shows_the_day_only(
    anonymous_input, open_decision, superintendent, client_for
):
    body = client_for(superintendent).get(open_decision.get_absolute_url()).content.decode()
    section = body[body.index('id="input"') : body.index('id="principles"')]
    assert not re.search(r"\d{1,2}:\d{2}", section)


def test_input_csv_says_anonymous(
    anonymous_input, open_decision, superintendent, client_for, teacher
):
    response = client_for(superintendent).get(
        reverse("decisions:input_csv", args=[open_decision.pk])
    )
    body = response.content.decode()
    assert SECRET_TEXT in body and "Anonymous" in body
    assert_no_author(body, teacher)


def test_no_history_event_or_notice_marks_when_anonymous_input_came(
    anonymous_input, open_decision, teacher, superintendent
):
    events = list(open_decision.events.values_list("note", "new", "old", "actor_id"))
    assert all(teacher.pk != actor for *_, actor in events)
    assert not any(SECRET_TEXT in (note + new + old) for note, new, old, _ in events)
    decided(open_decision, superintendent)
    for notice in Notification.objects.all():
        assert_no_author(
            notice.subject + notice.body, teacher
        ) if notice.recipient != teacher else None
        assert SECRET_TEXT not in notice.subject + notice.body


def test_reading_order_does_not_follow_creation(open_decision, make_person_in, district, school):
    people = [
        make_person_in(district, "teacher", f"T{i}", f"t{i}@cedar.example", [school])
        for i in range(12)
    ]
    created = [
        services.input_give(
            decision=open_decision, by=person, kind="concern", text=f"c{i}", anonymous=True
        ).pk
        for i, person in enumerate(people)
    ]
    shown = list(open_decision.inputs.in_reading_order().values_list("pk", flat=True))
    assert shown == sorted(created)  # by random id, which is not creation order
    assert shown != created


def test_admin_changelist_and_change_page_show_no_author_or_key(
    anonymous_input, admin_user, client_for, teacher
):
    client = client_for(admin_user)
    changelist = client.get(reverse("admin:decisions_input_changelist")).content.decode()
    assert "Anonymous" in changelist
    assert_no_author(changelist, teacher)
    assert anonymous_input.anonymous_key not in changelist
    change = client.get(
        reverse("admin:decisions_input_change", args=[anonymous_input.pk])
    ).content.decode()
    assert_no_author(change, teacher)
    assert anonymous_input.anonymous_key not in change
    assert 'name="anonymous_key"' not in change


def test_admin_cannot_filter_by_the_sealed_key_the_author_or_the_day(
    anonymous_input, admin_user, client_for, open_decision, teacher
):
    client = client_for(admin_user)
    url = reverse("admin:decisions_input_changelist")
    key = anonymous_key(open_decision.pk, teacher.pk)
    for query in (
        f"anonymous_key={key}",
        "given_on__gte=2000-01-01",
        "author__isnull=True",
        "id__gt=0",
    ):
        assert client.get(f"{url}?{query}").status_code == 400, query


def test_admin_sorts_input_by_kind_only(anonymous_input, admin_user, client_for):
    response = client_for(admin_user).get(reverse("admin:decisions_input_changelist") + "?o=3")
    assert response.status_code == 200
    ordering = response.context["cl"].queryset.query.order_by
    assert "given_on" not in str(ordering) and "-given_on" not in str(ordering)
    assert tuple(ordering)[:2] == ("kind", "id") or tuple(ordering)[0] == "-pk"


def test_admin_cannot_edit_or_delete_input(anonymous_input, admin_user, client_for):
    client = client_for(admin_user)
    url = reverse("admin:decisions_input_change", args=[anonymous_input.pk])
    client.post(url, {"text": "changed"})
    anonymous_input.refresh_from_db()
    assert anonymous_input.text == SECRET_TEXT
    delete = client.get(reverse("admin:decisions_input_delete", args=[anonymous_input.pk]))
    assert delete.status_code == 403


def test_giving_anonymous_input_does_not_touch_the_decisions_updated_time(open_decision, teacher):
    before = open_decision.updated_at
    services.input_give(decision=open_decision, by=teacher, kind="idea", text="x", anonymous=True)
    open_decision.refresh_from_db()
    assert open_decision.updated_at == before


def test_htmx_post_of_anonymous_input_returns_the_input_section(open_decision, teacher, client_for):
    response = client_for(teacher).post(
        reverse("decisions:input", args=[open_decision.pk]),
        {"kind": "concern", "text": SECRET_TEXT, "anonymous": "on"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="input"' in body and "<html" not in body
    assert SECRET_TEXT in body
    assert "Thank you" in body
    assert_no_author(body.replace("already given anonymous", ""), teacher)
    entry = open_decision.inputs.get()
    assert entry.is_anonymous and entry.author is None


def test_closing_soon_reminder_cannot_tell_anonymous_givers_from_the_silent(
    open_decision, teacher, anonymous_input, make_person_in, district, school, principal
):
    quiet = make_person_in(district, "teacher", "Quiet One", "quiet@cedar.example", [school])
    services.input_give(decision=open_decision, by=principal, kind="idea", text="named")
    sent = set(notices.closing_soon_send(open_decision))
    assert teacher in sent and quiet in sent  # the same notice whether or not they wrote
    assert principal not in sent  # named input is not secret
