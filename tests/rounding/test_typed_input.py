"""Nothing anyone types into rounding breaks a page: a form error that keeps it, or a 400."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from rounding.models import Conversation, FollowUp, RoundingVisit

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("visit_start", {"school": "²"}),
        ("themes", {"theme": "²", "month": "2026-10"}),
    ],
)
def test_an_id_that_cannot_be_one_answers_400_not_500(
    client_for, superintendent, visit, name, query
):
    response = client_for(superintendent).get(reverse(f"rounding:{name}"), query)
    assert response.status_code == 400


def test_a_nul_in_the_roster_search_answers_400(client_for, superintendent, visit):
    response = client_for(superintendent).get(
        reverse("rounding:roster_search", args=[visit.pk]), {"person_q": NUL}
    )
    assert response.status_code == 400


def test_an_odd_person_id_is_a_form_error_not_a_500(client_for, superintendent, visit):
    response = client_for(superintendent).post(
        reverse("rounding:conversation_add", args=[visit.pk]),
        {"person": "²", "name": "", "working": "Kept"},
    )
    assert response.status_code == 200
    assert "Kept" in response.text
    assert not Conversation.objects.exists()


def test_a_nul_in_the_visit_summary_is_a_form_error_that_keeps_the_text(
    client_for, superintendent, visit
):
    response = client_for(superintendent).post(
        reverse("rounding:visit_summary", args=[visit.pk]), {"summary": f"Kitchen {NUL}"}
    )
    assert response.status_code == 200
    assert "control character" in response.text
    assert "Kitchen a" in response.text
    visit.refresh_from_db()
    assert visit.summary == ""


def test_a_nul_in_where_to_go_back_is_ignored(client_for, superintendent, celebration):
    response = client_for(superintendent).post(
        reverse("rounding:celebration_acknowledge", args=[celebration.pk]),
        {"next": "/rounding/\r\nSet-Cookie: x=1"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("rounding:celebrations")


# --- The visit summary -------------------------------------------------------------------


def test_a_summary_over_10000_characters_is_a_form_error_that_keeps_it(
    client_for, superintendent, visit
):
    long_summary = "Kitchen. " * 1200  # 10,800 characters
    response = client_for(superintendent).post(
        reverse("rounding:visit_summary", args=[visit.pk]), {"summary": long_summary}
    )
    assert response.status_code == 200
    assert "At most 10,000 characters; this has 10,799." in response.text
    assert long_summary.strip() in response.text
    assert "Summary saved" not in response.text
    visit.refresh_from_db()
    assert visit.summary == ""
    response = client_for(superintendent).post(
        reverse("rounding:visit_summary", args=[visit.pk]), {"summary": long_summary[:10_000]}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.summary == long_summary[:10_000].strip()


# --- Dates of visits and follow-ups ------------------------------------------------------


def test_a_visit_dated_in_the_future_is_refused(client_for, superintendent, school):
    # 03:00 UTC on 6 October is still 5 October in Chicago: the 6th is tomorrow there.
    with time_machine.travel(datetime.datetime(2026, 10, 6, 3, tzinfo=datetime.UTC)):
        client = client_for(superintendent)
        response = client.post(
            reverse("rounding:visit_start"), {"school": school.pk, "date": "2026-10-06"}
        )
        assert response.status_code == 200
        assert "in the future" in response.text
        assert 'value="2026-10-06"' in response.text
        assert not RoundingVisit.objects.exists()
        response = client.post(
            reverse("rounding:visit_start"), {"school": school.pk, "date": "2026-10-05"}
        )
        assert response.status_code == 302


def test_the_visit_service_refuses_a_future_or_absurd_date(school, superintendent):
    from django.core.exceptions import ValidationError

    from rounding import services

    for date in (datetime.date.today() + datetime.timedelta(days=3), datetime.date(1900, 1, 1)):
        with pytest.raises(ValidationError) as refused:
            services.visit_start(school=school, by=superintendent, date=date)
        assert "date" in refused.value.message_dict
    assert not RoundingVisit.objects.exists()


def test_a_follow_up_due_before_its_visit_is_refused(
    client_for, superintendent, follow_up, principal
):
    response = client_for(superintendent).post(
        reverse("rounding:follow_up_edit", args=[follow_up.pk]),
        {"what": "Fix it", "heard": "", "owner": principal.pk, "due_on": "2026-10-01"},
    )
    assert response.status_code == 200
    assert "before the visit" in response.text
    assert 'value="2026-10-01"' in response.text
    follow_up.refresh_from_db()
    assert follow_up.due_on == datetime.date(2026, 10, 20)


def test_the_follow_up_service_refuses_a_due_date_before_the_visit(
    conversation, school, superintendent, principal
):
    from django.core.exceptions import ValidationError

    from rounding import services

    with pytest.raises(ValidationError) as refused:
        services.follow_up_create(
            school=school,
            by=superintendent,
            conversation=conversation,
            what="Too early",
            owner=principal,
            due_on=datetime.date(2026, 10, 4),
        )
    assert "due_on" in refused.value.message_dict
    assert not FollowUp.objects.exists()


def test_draft_on_a_visit_saved_with_a_future_date_is_due_on_the_visit_day(
    client_for, superintendent, conversation, principal
):
    RoundingVisit.objects.filter(pk=conversation.visit_id).update(date=datetime.date(2099, 1, 5))
    response = client_for(superintendent).get(
        reverse("rounding:conversation_follow_up", args=[conversation.pk])
    )
    assert response.status_code == 200
    assert response.context["form"]["due_on"].value() == datetime.date(2099, 1, 5)


def test_a_20009_character_summary_is_refused_whole_with_its_length(
    client_for, superintendent, visit
):
    summary = ("Lunch " * 3335)[:-1]  # 20,009 characters, as in the issue
    client = client_for(superintendent)
    page = client.get(reverse("rounding:visit", args=[visit.pk])).content.decode()
    assert 'name="summary" rows="3" maxlength="10000"' in page

    response = client.post(reverse("rounding:visit_summary", args=[visit.pk]), {"summary": summary})

    assert response.status_code == 200
    assert "At most 10,000 characters; this has 20,009." in response.text
    assert f">{summary}</textarea>" in response.text
    visit.refresh_from_db()
    assert visit.summary == ""


def test_a_long_concern_is_shortened_visibly_in_the_follow_up_draft(
    client_for, superintendent, visit
):
    from rounding import services

    concern = "The walk-in freezer door does not seal. " * 12  # 480 characters
    conversation = services.conversation_add(
        visit=visit, name="Pat", role_group="staff", concerns=concern
    )
    response = client_for(superintendent).get(
        reverse("rounding:conversation_follow_up", args=[conversation.pk])
    )
    form = response.context["form"]
    assert form["what"].value().endswith("…") and len(form["what"].value()) <= 300
    assert form["heard"].value().endswith("…") and len(form["heard"].value()) <= 300
