"""The per-school coverage row stays equal to a count from scratch after every kind of write.

`counted_from_scratch` recounts a school from its visits and conversations in plain Python, the
way the coverage page counted before it read the rows: each test compares the two.
"""

import datetime
import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from districts.models import School, User
from rounding import selectors, services
from rounding.models import Conversation, RoundingVisit, SchoolCoverage

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def counted_from_scratch(school: School) -> dict:
    talks = list(
        Conversation.objects.filter(visit__school=school).values_list(
            "visit__date", "role_group", "person_id"
        )
    )
    last_met, people = {}, {}
    for date, group, person_id in talks:
        last_met[group] = max(last_met.get(group, date), date)
        start = datetime.date(date.year, 8 if date.month >= 8 else 1, 1)
        people.setdefault(start.isoformat(), []).append(person_id)
    return {
        "last_visit": max((date for date, _, _ in talks), default=None),
        "last_met": {group: date.isoformat() for group, date in last_met.items()},
        "met_by_term": {
            term: len({p for p in ids if p}) + sum(1 for p in ids if p is None)
            for term, ids in people.items()
        },
    }


def summary_of(school: School) -> dict:
    row = SchoolCoverage.objects.filter(school=school).first()
    if row is None:
        return {"last_visit": None, "last_met": {}, "met_by_term": {}}
    assert row.district_id == school.district_id
    return {"last_visit": row.last_visit, "last_met": row.last_met, "met_by_term": row.met_by_term}


def test_logging_visits_and_conversations_keeps_the_row_counted(
    school, superintendent, cook, student
):
    assert summary_of(school) == counted_from_scratch(school)
    autumn = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 9, 1))
    assert summary_of(school)["last_visit"] is None  # nobody met yet
    services.conversation_add(visit=autumn, person=cook, working="Menu")
    assert summary_of(school)["last_visit"] == datetime.date(2026, 9, 1)
    services.conversation_add(visit=autumn, person=cook, concerns="Freezer")  # met once
    services.conversation_add(visit=autumn, name="Ana", role_group="student", working="Ok")
    services.conversation_add(visit=autumn, name="Ana", role_group="student", working="Again")
    spring = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 3, 2))
    services.conversation_add(visit=spring, person=student, working="Lunch")
    summary = summary_of(school)
    assert summary == counted_from_scratch(school)
    assert summary["last_visit"] == datetime.date(2026, 9, 1)
    assert summary["last_met"] == {"cook": "2026-09-01", "student": "2026-09-01"}
    # Rosa once, and each unnamed conversation (no way to tell two Anas apart).
    assert summary["met_by_term"] == {"2026-08-01": 3, "2026-01-01": 1}


def test_a_visit_without_conversations_does_not_count(school, superintendent, cook):
    visit = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 9, 1))
    services.conversation_add(visit=visit, person=cook, working="Menu")
    services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 11, 2))
    summary = summary_of(school)
    assert summary["last_visit"] == datetime.date(2026, 9, 1)
    assert summary["last_met"] == {"cook": "2026-09-01"}
    assert summary == counted_from_scratch(school)


def test_another_districts_visits_never_enter_the_summary(
    school, other_school, superintendent, outsider, cook, other_conversation
):
    visit = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 9, 1))
    services.conversation_add(visit=visit, person=cook, working="Menu")
    late = services.visit_start(school=other_school, by=outsider, date=datetime.date(2026, 11, 19))
    services.conversation_add(visit=late, name="Sam", role_group="teacher", working="Harbor")
    ours, theirs = SchoolCoverage.objects.get(school=school), summary_of(other_school)
    assert (ours.district_id, ours.last_visit) == (school.district_id, datetime.date(2026, 9, 1))
    assert ours.last_met == {"cook": "2026-09-01"}
    assert theirs == counted_from_scratch(other_school)
    assert SchoolCoverage.objects.get(school=other_school).district_id == other_school.district_id
    result = selectors.coverage(superintendent, today=TODAY)
    assert [row["school"] for row in result["rows"]] == [school]
    assert result["rows"][0]["groups"][3] is None  # no teacher met here: Harbor's is not ours


def test_home_counts_overdue_schools_from_the_rows(
    district, school, superintendent, outsider, other_school, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC))
    School.objects.create(district=district, name="Never visited")

    def visited(school, by, date):
        visit = services.visit_start(school=school, by=by, date=date)
        services.conversation_add(visit=visit, name="Pat", role_group="staff", working="Fine")

    visited(school, superintendent, datetime.date(2026, 11, 1))
    visited(other_school, outsider, datetime.date(2026, 11, 1))
    assert selectors.home_summary(superintendent)["overdue_schools"] == 1
    # A visit where nobody was met does not count: the school stays overdue.
    empty = School.objects.create(district=district, name="Empty visit")
    services.visit_start(school=empty, by=superintendent, date=datetime.date(2026, 11, 10))
    assert selectors.home_summary(superintendent)["overdue_schools"] == 2
    late = School.objects.create(district=district, name="Late")
    visited(late, superintendent, datetime.date(2026, 9, 1))
    assert selectors.home_summary(superintendent)["overdue_schools"] == 3


def test_a_visit_dated_ahead_counts_its_people_only_once_its_day_comes(
    school, superintendent, cook, student
):
    today = services.visit_start(school=school, by=superintendent, date=TODAY)
    services.conversation_add(visit=today, person=cook, working="Menu")
    ahead = services.visit_start(
        school=school, by=superintendent, date=TODAY + datetime.timedelta(days=5)
    )
    services.conversation_add(visit=ahead, person=student, working="Trip")
    assert selectors.coverage(superintendent, today=TODAY)["rows"][0]["met"] == 1
    later = TODAY + datetime.timedelta(days=6)
    assert selectors.coverage(superintendent, today=later)["rows"][0]["met"] == 2


def test_a_new_term_starts_from_nobody_met(school, superintendent, cook):
    visit = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 11, 2))
    services.conversation_add(visit=visit, person=cook, working="Menu")
    january = datetime.date(2027, 1, 10)
    row = selectors.coverage(superintendent, today=january)["rows"][0]
    assert row["met"] == 0
    assert row["groups"][0] == (january - datetime.date(2026, 11, 2)).days


# Writes in the admin: edits, moves and deletes of visits and their conversations.


@pytest.fixture
def it_admin(client):
    user = User.objects.create_superuser("it@cedar.example", "a-long-admin-password")
    client.force_login(user)
    return client


def as_posted(value):
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [getattr(v, "pk", v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return getattr(value, "pk", value)


def admin_form_data(response) -> dict:
    """What the admin's change page would post back unchanged: the visit and its conversations."""
    form = response.context["adminform"].form
    data = {
        name: as_posted(form.initial.get(name, field.initial))
        for name, field in form.fields.items()
    }
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update(
            {
                management.add_prefix(name): as_posted(management.initial.get(name))
                for name in management.fields
            }
        )
        for subform in formset.forms:
            for name, field in subform.fields.items():
                value = subform.initial.get(name, field.initial)
                if isinstance(value, datetime.datetime):  # the admin splits date and time
                    value = timezone.localtime(value)
                    data[subform.add_prefix(f"{name}_0")] = value.date().isoformat()
                    data[subform.add_prefix(f"{name}_1")] = value.strftime("%H:%M:%S")
                else:
                    data[subform.add_prefix(name)] = as_posted(value)
    return {key: value for key, value in data.items() if value not in ("", None, False)}


def test_admin_edits_and_deletes_keep_the_row_counted(
    it_admin, district, school, superintendent, cook
):
    birch = School.objects.create(district=district, name="Birchwood Elementary")
    first = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 9, 1))
    services.conversation_add(visit=first, person=cook, working="Menu")
    services.conversation_add(visit=first, name="Joe", role_group="custodian", working="Boiler")
    second = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 10, 1))
    services.conversation_add(visit=second, name="Ana", role_group="student", working="Ok")
    url = reverse("admin:rounding_roundingvisit_change", args=[first.pk])

    # Moved to another date: the last visit and the cook's date follow.
    data = admin_form_data(it_admin.get(url))
    data["date"] = "2026-10-15"
    assert it_admin.post(url, data).status_code == 302
    assert summary_of(school)["last_met"]["cook"] == "2026-10-15"
    assert summary_of(school) == counted_from_scratch(school)

    # One conversation deleted in the visit's inline.
    data = admin_form_data(it_admin.get(url))
    joe = next(key for key, value in data.items() if value == "Joe")
    data[joe.replace("-name", "-DELETE")] = "on"
    assert it_admin.post(url, data).status_code == 302
    assert "custodian" not in summary_of(school)["last_met"]
    assert summary_of(school) == counted_from_scratch(school)

    # Moved to another school: both schools are recounted.
    data = admin_form_data(it_admin.get(url))
    data["school"] = birch.pk
    assert it_admin.post(url, data).status_code == 302
    assert summary_of(birch) == counted_from_scratch(birch)
    assert summary_of(birch)["last_met"] == {"cook": "2026-10-15"}
    assert summary_of(school) == counted_from_scratch(school)
    assert summary_of(school)["last_met"] == {"student": "2026-10-01"}

    # Deleted, one visit and then a list of them.
    delete = reverse("admin:rounding_roundingvisit_delete", args=[second.pk])
    assert it_admin.post(delete, {"post": "yes"}).status_code == 302
    assert summary_of(school) == counted_from_scratch(school)
    assert summary_of(school)["last_visit"] is None
    it_admin.post(
        reverse("admin:rounding_roundingvisit_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk], "post": "yes"},
    )
    assert not RoundingVisit.objects.exists()
    assert summary_of(birch) == counted_from_scratch(birch)
    assert summary_of(birch)["last_visit"] is None


# Counting whole districts at once: the migration and seed_scale.


def test_the_migration_counts_every_school_of_every_district(
    school, other_school, superintendent, outsider, cook, student
):
    visit = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 9, 1))
    services.conversation_add(visit=visit, person=cook, working="Menu")
    services.conversation_add(visit=visit, name="Ana", role_group="student", working="Ok")
    old = services.visit_start(school=school, by=superintendent, date=datetime.date(2025, 2, 1))
    services.conversation_add(visit=old, person=student, working="Lunch")
    harbor = services.visit_start(school=other_school, by=outsider, date=datetime.date(2026, 10, 1))
    services.conversation_add(visit=harbor, name="Sam", role_group="teacher", working="Fine")
    expected = {s: counted_from_scratch(s) for s in (school, other_school)}
    SchoolCoverage.objects.all().delete()
    migration = importlib.import_module("rounding.migrations.0002_school_coverage")
    migration.count_coverage(apps, None)
    assert {s: summary_of(s) for s in (school, other_school)} == expected
    SchoolCoverage.objects.all().delete()
    services.coverage_rebuild(district_id=school.district_id)
    assert summary_of(school) == expected[school]
    assert not SchoolCoverage.objects.filter(school=other_school).exists()


# Two people saving at the same school at once.


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_two_visitors_saving_at_once_are_both_counted(school, superintendent, cook, student):
    visit = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 9, 1))
    first_saved, go_on = threading.Event(), threading.Event()

    def first_visitor():
        try:
            with transaction.atomic():
                services.conversation_add(visit=visit, person=cook, working="Menu")
                first_saved.set()
                go_on.wait(5)  # still uncommitted while the second visitor saves
        finally:
            connection.close()

    def second_visitor():
        try:
            services.conversation_add(visit=visit, person=student, working="Lunch")
        finally:
            connection.close()

    first = threading.Thread(target=first_visitor)
    first.start()
    assert first_saved.wait(5)
    second = threading.Thread(target=second_visitor)
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waits for the school's lock, not for a count without the cook
    go_on.set()
    first.join(5)
    second.join(5)
    assert summary_of(school)["met_by_term"] == {"2026-08-01": 2}
    assert summary_of(school) == counted_from_scratch(school)
