"""Nothing anyone types breaks a decision page: far-off dates, control characters, line breaks."""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from decisions import notices, services
from decisions.models import Decision, Status, Visibility
from notifications.models import Notification

from .conftest import admin_change_data, decided, wizard_data

pytestmark = pytest.mark.django_db

# The last hour of the year 9999 on the West Coast is past the year 10,000 in UTC.
FAR = "9999-12-31T23:00"
FAR_DATE = "9999-12-31"


@pytest.fixture
def west_coast(district):
    district.timezone = "America/Los_Angeles"
    district.save()
    return district


def pages_answer(client, decision, district, *, admin=False):
    urls = [
        decision.get_absolute_url(),
        reverse("decisions:list"),
        reverse("decisions:export"),
        reverse("decisions:affects_me"),
        reverse("decisions:flagged"),
        reverse("decisions:public", args=[district.slug]),
    ]
    if admin:
        urls += [
            reverse("admin:decisions_decision_changelist"),
            reverse("admin:decisions_decision_change", args=[decision.pk]),
        ]
    return {url: client.get(url).status_code for url in urls}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("input_opens", "1999-12-31T23:00"),
        ("input_closes", FAR),
        ("decide_by", FAR_DATE),
        ("review_on", FAR_DATE),
        ("review_on", "0001-01-01"),
    ],
)
def test_creating_with_a_date_out_of_range_is_a_form_error_that_keeps_what_was_typed(
    west_coast, superintendent, client_for, field, value
):
    data = wizard_data(input_opens="2026-12-10T10:00", input_closes="2026-12-20T10:00", save="3")
    data[field] = value
    response = client_for(superintendent).post(reverse("decisions:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == ["Enter a date between 2000 and 2100."]
    assert f'value="{value}"' in response.content.decode()
    assert not Decision.objects.exists()


def test_editing_a_window_to_the_year_9999_is_a_form_error_and_every_page_still_answers(
    west_coast, open_decision, superintendent, admin_user, client_for
):
    client = client_for(superintendent)
    opens = timezone.localtime(open_decision.input_opens, ZoneInfo(west_coast.timezone)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    response = client.post(
        reverse("decisions:edit", args=[open_decision.pk]),
        wizard_data(
            title=open_decision.title,
            context=open_decision.context,
            owning_team=str(open_decision.owning_team_id),
            visibility=Visibility.PUBLIC,
            input_opens=opens,
            input_closes=FAR,
            save="1",
        ),
    )
    assert response.status_code == 200
    assert "input_closes" in response.context["form"].errors
    assert f'value="{FAR}"' in response.content.decode()
    stored = Decision.objects.get(pk=open_decision.pk)
    assert stored.input_closes == open_decision.input_closes
    Decision.objects.filter(pk=open_decision.pk).update(visibility=Visibility.PUBLIC)
    assert set(pages_answer(client, open_decision, west_coast).values()) == {200}
    admin = client_for(admin_user)
    assert set(pages_answer(admin, open_decision, west_coast, admin=True).values()) == {200}


def test_opening_input_until_the_year_9999_is_a_form_error(
    west_coast, make_decision, superintendent, client_for
):
    decision = make_decision()
    response = client_for(superintendent).post(
        reverse("decisions:open", args=[decision.pk]),
        {"input_opens": "2026-12-01T08:00", "input_closes": FAR},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["input_closes"] == [
        "Enter a date between 2000 and 2100."
    ]
    assert f'value="{FAR}"' in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == Status.DRAFT and decision.input_closes is None


@pytest.mark.parametrize(
    "fields",
    [
        {"input_closes": datetime.datetime(9999, 12, 31, 23, tzinfo=datetime.UTC)},
        {"input_opens": datetime.datetime(1999, 12, 31, tzinfo=datetime.UTC)},
        {"decide_by": datetime.date(9999, 12, 31)},
        {"review_on": datetime.date(2101, 1, 1)},
    ],
    ids=["closes", "opens", "decide_by", "review_on"],
)
def test_the_services_refuse_dates_out_of_range_whatever_calls_them(
    open_decision, superintendent, fields
):
    window = (open_decision.input_opens, open_decision.input_closes)
    with pytest.raises(ValidationError) as refused:
        services.decision_update(decision=open_decision, by=superintendent, **fields)
    assert set(refused.value.message_dict) == set(fields)
    with pytest.raises(ValidationError):
        services.decision_create(
            district=open_decision.district,
            by=superintendent,
            title="Far off",
            context="c",
            **fields,
        )
    stored = Decision.objects.get(pk=open_decision.pk)
    assert (stored.input_opens, stored.input_closes) == window
    assert (stored.decide_by, stored.review_on) == (None, None)
    assert Decision.objects.count() == 1


def test_a_local_time_past_the_year_9999_in_utc_is_refused_not_an_overflow(
    west_coast, open_decision, superintendent
):
    far = datetime.datetime(9999, 12, 31, 23, tzinfo=ZoneInfo(west_coast.timezone))
    with timezone.override(datetime.UTC), pytest.raises(ValidationError):
        services.decision_update(decision=open_decision, by=superintendent, input_closes=far)


def test_the_admin_refuses_a_window_out_of_range(west_coast, open_decision, admin_user, client_for):
    client = client_for(admin_user)
    url = reverse("admin:decisions_decision_change", args=[open_decision.pk])
    data = admin_change_data(client.get(url))
    data["input_closes_0"], data["input_closes_1"] = "9999-12-31", "23:00:00"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "input_closes" in response.context["adminform"].form.errors
    assert Decision.objects.get(pk=open_decision.pk).input_closes == open_decision.input_closes


# ----- control characters and line breaks


@pytest.mark.parametrize("name", ["decisions:list", "decisions:export"])
@pytest.mark.parametrize("q", ["bus\x00es", "bus\x1b", "x" * 201])
def test_a_search_no_person_types_is_a_bad_request(
    open_decision, superintendent, client_for, name, q
):
    response = client_for(superintendent).get(reverse(name), {"q": q})
    assert response.status_code == 400


def test_a_search_with_ordinary_text_still_finds(open_decision, superintendent, client_for):
    response = client_for(superintendent).get(reverse("decisions:list"), {"q": "middle"})
    assert response.status_code == 200
    assert open_decision.title in response.content.decode()


@pytest.mark.parametrize("reason", ["Because\x00", "two\nlines", "r" * 301])
def test_a_withdraw_reason_no_person_types_is_refused_with_a_message(
    open_decision, superintendent, client_for, reason
):
    client = client_for(superintendent)
    response = client.post(
        reverse("decisions:move", args=[open_decision.pk]),
        {"action": "withdraw", "reason": reason},
    )
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    open_decision.refresh_from_db()
    assert open_decision.status == Status.OPEN_FOR_INPUT
    assert client.get(open_decision.get_absolute_url()).status_code == 200


def test_a_withdraw_reason_is_kept_in_the_history(open_decision, superintendent, client_for):
    client_for(superintendent).post(
        reverse("decisions:move", args=[open_decision.pk]),
        {"action": "withdraw", "reason": "The parents withdrew the request."},
    )
    open_decision.refresh_from_db()
    assert open_decision.status == Status.WITHDRAWN
    assert open_decision.events.order_by("pk").last().note == "The parents withdrew the request."


@pytest.mark.parametrize("title", ["Bus times\nBcc: everyone@example.com", "Bus\rtimes", "A\x00B"])
def test_a_title_with_a_line_break_is_a_form_error_that_keeps_the_rest(
    superintendent, client_for, title
):
    response = client_for(superintendent).post(
        reverse("decisions:create"), wizard_data(title=title, save="3")
    )
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert "Families asked for it." in response.content.decode()
    assert not Decision.objects.exists()


def test_a_title_with_a_line_break_is_refused_by_the_model_too(district, superintendent):
    with pytest.raises(ValidationError) as refused:
        services.decision_create(
            district=district, by=superintendent, title="Two\nlines", context="c"
        )
    assert "title" in refused.value.message_dict


def test_every_notice_subject_is_one_line(
    open_decision, superintendent, teacher, principal, school
):
    # A title stored before titles were bounded (or by a bulk import) still makes one-line subjects.
    Decision.objects.filter(pk=open_decision.pk).update(title="Bus times\nBcc: all\r\nX-Evil: 1")
    open_decision.refresh_from_db()
    Notification.objects.all().delete()  # the notices of opening it, under its first title
    notices.window_opened_send(open_decision)
    notices.closing_soon_send(open_decision)
    decided(open_decision, superintendent)
    open_decision.review_on = timezone.localdate() - datetime.timedelta(days=1)
    notices.reflection_due_send(open_decision)
    subjects = set(Notification.objects.values_list("subject", flat=True))
    assert len(subjects) == 4, subjects
    for subject in subjects:
        assert "\n" not in subject and "\r" not in subject
        assert "Bus times Bcc: all X-Evil: 1" in subject


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL stored times past year 9999"
)
def test_windows_stored_past_the_year_9999_are_brought_back_into_range(
    west_coast, open_decision, superintendent, admin_user, client_for
):
    repair = importlib.import_module("decisions.migrations.0004_readable_input_windows").repair
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE decisions_decision SET input_closes = %s WHERE id = %s",
            ["10000-01-01 07:00+00", open_decision.pk],
        )
    with connection.schema_editor(atomic=False) as editor:
        repair(None, editor)
    stored = Decision.objects.get(pk=open_decision.pk)
    assert stored.input_closes == datetime.datetime(2100, 12, 31, tzinfo=datetime.UTC)
    assert stored.input_opens == open_decision.input_opens
    assert set(pages_answer(client_for(superintendent), stored, west_coast).values()) == {200}
