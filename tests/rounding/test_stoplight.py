"""The stoplight report at a busy school: open follow-ups a page at a time, the latest done."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from districts.models import School
from rounding import services
from rounding.models import FollowUp
from rounding.views import DONE_PAGE_SIZE, OPEN_PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(school, superintendent, principal):
    """Red, yellow and green follow-ups: more open ones than a page, more done than shown."""
    made = {"red": [], "yellow": [], "green": []}
    first_due = datetime.date(2026, 10, 1)
    for i in range(OPEN_PAGE_SIZE + DONE_PAGE_SIZE + 6):
        follow_up = services.follow_up_create(
            school=school,
            by=superintendent,
            what=f"Task {i:02}",
            heard="The copier jams" if i % 2 else "Lunch lines are long",
            owner=principal,
            due_on=first_due + datetime.timedelta(days=i),
        )
        if i < 3:
            follow_up.change_status(to="red", by=principal, reason=f"No budget {i}")
        elif i >= OPEN_PAGE_SIZE + 2:
            follow_up.change_status(to="green", by=principal)
        else:
            follow_up.change_status(to="yellow", by=principal)
        made[follow_up.status].append(follow_up)
    return made


def test_open_follow_ups_come_first_a_page_at_a_time(client_for, principal, school, busy):
    client = client_for(principal)
    url = reverse("rounding:school", args=[school.pk])
    first = client.get(url)
    assert first.status_code == 200
    open_ones = busy["red"] + busy["yellow"]
    assert len(open_ones) > OPEN_PAGE_SIZE
    shown = [f for f in open_ones if f">{f.what}</a>" in first.text]
    # Red before yellow, soonest due first: the first page is the first twelve of that order.
    assert shown == open_ones[:OPEN_PAGE_SIZE]
    assert "No budget 0" in first.text
    counts = f"{len(busy['red'])} cannot do · {len(busy['yellow'])} in progress"
    assert counts in first.text
    second = client.get(url, {"page": 2})
    assert [f for f in open_ones if f">{f.what}</a>" in second.text] == open_ones[OPEN_PAGE_SIZE:]
    # What we heard: each concern once.
    assert first.text.count("Lunch lines are long") == 1


def test_the_latest_done_show_and_older_ones_load_on_demand(client_for, principal, school, busy):
    client = client_for(principal)
    url = reverse("rounding:school", args=[school.pk])
    page = client.get(url)
    done = list(reversed(busy["green"]))  # the last marked green first
    assert [f for f in done if f">{f.what}</a>" in page.text] == done[:DONE_PAGE_SIZE]
    assert f"{len(done)} done" in page.text
    assert "?done=2" in page.text
    more = client.get(url, {"done": 2}, headers={"HX-Request": "true"})
    assert "<html" not in more.text  # only the rows, for htmx to add to the list
    assert [f for f in done if f">{f.what}</a>" in more.text] == done[DONE_PAGE_SIZE:]
    assert "?done=3" not in more.text
    # Without htmx, the same link is a whole page.
    assert "<html" in client.get(url, {"done": 2}).text


def test_bad_page_numbers_show_a_page(client_for, principal, school, busy):
    client = client_for(principal)
    url = reverse("rounding:school", args=[school.pk])
    for bad in [{"page": "x"}, {"page": "-1"}, {"page": "999"}, {"done": "x"}, {"done": "0"}]:
        assert client.get(url, bad).status_code == 200, bad


def test_empty_stoplight_keeps_its_empty_state(client_for, principal, school):
    response = client_for(principal).get(reverse("rounding:school", args=[school.pk]))
    assert "No follow-ups yet." in response.text


def test_staff_see_the_report_but_another_schools_staff_do_not(
    client_for, teacher, outsider, school, busy
):
    url = reverse("rounding:school", args=[school.pk])
    assert "Task 00" in client_for(teacher).get(url).text
    assert client_for(outsider).get(url).status_code == 404
    assert (
        client_for(outsider).get(url, {"done": 2}, headers={"HX-Request": "true"}).status_code
        == 404
    )


def test_done_at_is_when_it_last_turned_green(follow_up, principal, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC))
    follow_up.change_status(to="green", by=principal)
    assert follow_up.done_at == datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    time_machine.move_to(datetime.datetime(2026, 11, 3, 9, tzinfo=datetime.UTC))
    follow_up.change_status(to="green", by=principal, reason="Told the kitchen")
    follow_up.refresh_from_db()
    assert follow_up.done_at.date() == datetime.date(2026, 11, 2)  # a new reason is not news
    follow_up.change_status(to="yellow", by=principal)
    follow_up.refresh_from_db()
    assert follow_up.done_at is None


def test_the_migration_takes_done_at_from_the_history(follow_up, principal, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC))
    follow_up.change_status(to="green", by=principal)
    FollowUp.objects.update(done_at=None)
    migration = importlib.import_module("rounding.migrations.0004_follow_up_done_at")
    migration.done_at_from_history(apps, None)
    follow_up.refresh_from_db()
    assert follow_up.done_at == datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)


def test_unshared_celebrations_show_to_the_principal_not_to_staff(
    client_for, principal, teacher, school, superintendent, district, make_person_in
):
    services.celebration_record(
        school=school, by=superintendent, name="Q", what="Quiet thanks", shared=False
    )
    services.celebration_record(school=school, by=superintendent, name="L", what="Loud thanks")
    url = reverse("rounding:school", args=[school.pk])
    assert "Quiet thanks" in client_for(principal).get(url).text
    staff_view = client_for(teacher).get(url).text
    assert "Loud thanks" in staff_view and "Quiet thanks" not in staff_view
    elsewhere = School.objects.create(district=district, name="Birchwood Elementary")
    other_principal = make_person_in(
        district, "principal", "Pat Other", "pat@cedar.example", [elsewhere]
    )
    assert client_for(other_principal).get(url).status_code == 404
