"""Pages around the meetings: supervisor and principal pages, emerging problems, the calendar feed, home."""

import datetime

import pytest
from django.utils import timezone

from districts.models import Theme
from principals import services
from principals.models import (
    ActionItem,
    CalendarFeed,
    CheckIn,
    CheckInPair,
    PrivateNote,
    Problem,
    SchoolBreak,
)
from tests.principals.conftest import SOON, url

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


# --- Supervisor and principal pages -------------------------------------------------------


def test_the_supervisor_page_shows_last_met_next_pulse_actions_and_missed(
    pair, make_check_in, superintendent, principal, client_for
):
    now = timezone.now()
    for days, pulse in ((40, 2), (26, 3), (12, 4)):
        make_check_in(now - datetime.timedelta(days=days), status="held", pulse=pulse)
    missed = make_check_in(now - datetime.timedelta(days=5), status="missed")
    nxt = make_check_in(now + SOON)
    ActionItem.objects.create(
        district=pair.district, pair=pair, check_in=missed, owner=principal, text="Open one"
    )
    body = client_for(superintendent).get("/check-ins/").content.decode()
    assert "Bob Lindqvist" in body
    assert f"/check-ins/{nxt.pk}/" in body
    assert "last pulses 2, 3, 4" in body
    assert '<dt>Missed</dt><dd><span class="overdue">1</span></dd>' in body
    assert "<dt>Open actions</dt><dd>1</dd>" in body


@pytest.mark.parametrize("count", [5, 50])
def test_supervisor_page_queries_do_not_grow_with_principals(
    count,
    superintendent,
    district,
    school,
    make_person_in,
    make_pair,
    client_for,
    django_assert_max_num_queries,
):
    now = timezone.now()
    for i in range(count):
        person = make_person_in(district, "principal", f"P{i}", f"p{i}@cedar.example", [school])
        pair = make_pair(superintendent, person, school)
        CheckIn.objects.create(
            district=district, pair=pair, scheduled_at=now - SOON, status="held", pulse=3
        )
        CheckIn.objects.create(district=district, pair=pair, scheduled_at=now + SOON)
    client = client_for(superintendent)
    with django_assert_max_num_queries(12):
        response = client.get("/check-ins/")
    assert response.status_code == 200


def test_the_principal_page_shows_the_next_agenda_and_history(
    upcoming, past, principal, client_for
):
    services.agenda_item_add(check_in=upcoming, by=principal, kind="celebration", text="Reading")
    response = client_for(principal).get("/check-ins/")
    body = response.content.decode()
    assert "My check-ins" in body and "Reading" in body
    assert f"/check-ins/{past.pk}/" in body


def test_a_principal_cannot_add_pairs_or_read_emerging_problems(principal, client_for):
    client = client_for(principal)
    assert client.get("/check-ins/pairs/new/").status_code == 404
    assert client.get("/check-ins/emerging/").status_code == 404


def test_a_supervisor_adds_a_principal_and_meetings_are_planned(
    superintendent, principal, school, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(superintendent).post(
            "/check-ins/pairs/new/",
            {
                "principal": principal.pk,
                "school": school.pk,
                "supervisor": superintendent.pk,
                "weekday": 2,
                "local_time": "15:30",
                "interval_weeks": 2,
                "starts_on": timezone.localdate().isoformat(),
            },
        )
    assert response.status_code == 302
    pair = CheckInPair.objects.get()
    assert pair.check_ins.count() >= 4


def test_adding_a_pair_with_another_districts_principal_is_refused(
    superintendent, outsider, school, client_for
):
    response = client_for(superintendent).post(
        "/check-ins/pairs/new/",
        {
            "principal": outsider.pk,
            "school": school.pk,
            "supervisor": superintendent.pk,
            "weekday": 2,
            "local_time": "15:30",
            "interval_weeks": 2,
            "starts_on": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert not CheckInPair.objects.exists()


def test_a_leader_adds_a_break_and_a_bad_range_is_explained(superintendent, client_for):
    client = client_for(superintendent)
    response = client.post(
        "/check-ins/breaks/", {"name": "Winter", "starts_on": "2026-12-21", "ends_on": "2026-12-01"}
    )
    assert response.status_code == 200
    assert "cannot come before" in response.content.decode()
    client.post(
        "/check-ins/breaks/", {"name": "Winter", "starts_on": "2026-12-21", "ends_on": "2027-01-01"}
    )
    assert SchoolBreak.objects.get().name == "Winter"


def test_a_principal_cannot_add_a_break(principal, client_for):
    response = client_for(principal).post(
        "/check-ins/breaks/", {"name": "Mine", "starts_on": "2026-12-21", "ends_on": "2026-12-22"}
    )
    assert response.status_code == 404


# --- Emerging problems --------------------------------------------------------------------


def make_problem(district, school, check_in, theme, raised_on):
    problem = Problem.objects.create(
        district=district, check_in=check_in, school=school, text="x", raised_on=raised_on
    )
    problem.themes.add(theme)


@pytest.fixture
def raised_at(district, superintendent, make_pair, make_person_in):
    """Five schools, each with its own principal's held check-in: problems raised at school i
    are raised by principal i."""
    from districts.models import School

    check_ins = []
    for i in range(5):
        school = School.objects.create(district=district, name=f"School {i}")
        principal = make_person_in(district, "principal", f"P{i}", f"p{i}@cedar.example", [school])
        on_pair = make_pair(superintendent, principal, school)
        check_ins.append(
            CheckIn.objects.create(
                district=district,
                pair=on_pair,
                scheduled_at=timezone.now() - datetime.timedelta(days=11),
                status=CheckIn.Status.HELD,
            )
        )
    return check_ins


def test_emerging_problems_rise_and_name_only_groups_of_four_or_more(
    raised_at, district, superintendent, client_for
):
    today = timezone.localdate()
    recently = today - datetime.timedelta(days=3)
    buses = Theme.objects.create(district=district, name="Transportation")
    staffing = Theme.objects.create(district=district, name="Staffing")
    for check_in in raised_at[:4]:
        make_problem(district, check_in.pair.school, check_in, buses, recently)
    for check_in in raised_at[:3]:
        make_problem(district, check_in.pair.school, check_in, staffing, recently)
        make_problem(district, check_in.pair.school, check_in, staffing, recently)
    body = client_for(superintendent).get("/check-ins/emerging/").content.decode()
    assert "Transportation" in body and "4 now · 0 before" in body and "rising" in body
    assert "School 0, School 1, School 2, School 3" in body
    # Six problems, but from three principals: neither the theme nor a count of it shows.
    assert "Staffing" not in body


def test_an_earlier_count_from_too_few_principals_is_hidden_and_judges_nothing(
    raised_at, district, superintendent, client_for
):
    today = timezone.localdate()
    buses = Theme.objects.create(district=district, name="Transportation")
    for check_in in raised_at[:4]:
        make_problem(
            district, check_in.pair.school, check_in, buses, today - datetime.timedelta(days=3)
        )
    make_problem(
        district,
        raised_at[0].pair.school,
        raised_at[0],
        buses,
        today - datetime.timedelta(days=40),
    )
    body = client_for(superintendent).get("/check-ins/emerging/").content.decode()
    assert "4 now" in body and "before: too few principals to show" in body
    assert "1 before" not in body and "rising" not in body.split("Transportation")[1]


def test_emerging_problems_bad_period_is_ignored(superintendent, client_for):
    assert client_for(superintendent).get("/check-ins/emerging/?days=abc").status_code == 200


# --- Calendar feed ------------------------------------------------------------------------


def test_the_feed_has_the_series_breaks_and_moved_meetings(
    pair, principal, client_for, make_check_in
):
    SchoolBreak.objects.create(
        district=pair.district,
        name="Spring, break",
        starts_on=datetime.date(2026, 3, 14),
        ends_on=datetime.date(2026, 3, 22),
    )
    original = make_check_in(datetime.datetime(2026, 2, 3, 15, tzinfo=UTC))
    original.status = CheckIn.Status.RESCHEDULED
    original.save()
    CheckIn.objects.create(
        district=pair.district,
        pair=pair,
        scheduled_at=datetime.datetime(2026, 2, 5, 15, tzinfo=UTC),
        moved_from=original,
    )
    client = client_for(principal)
    address = client.post("/check-ins/calendar/", {"action": "reset"}).context["feed_url"]
    client.logout()
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert "DTSTART;TZID=America/Chicago:20260106T090000" in text
    assert "RRULE:FREQ=WEEKLY;INTERVAL=2" in text
    assert "EXDATE;TZID=America/Chicago:20260203T090000,20260317T090000" in text
    assert "DTSTART:20260205T150000Z" in text
    assert "SUMMARY:Check-in with Alice Okafor (moved)" in text


def test_ics_text_is_escaped():
    from principals.ics import escape

    assert escape("a, b; c\\d\ne") == "a\\, b\\; c\\\\d\\ne"


def test_a_reset_feed_address_stops_working(principal, client_for, pair):
    client = client_for(principal)
    old = client.post("/check-ins/calendar/", {"action": "reset"}).context["feed_url"]
    assert client.get(old).status_code == 200
    client.post("/check-ins/calendar/", {"action": "reset"})
    assert client.get(old).status_code == 404
    client.post("/check-ins/calendar/", {"action": "revoke"})
    assert not CalendarFeed.objects.exists()


def test_a_guessed_feed_address_is_404(client, pair):
    assert client.get("/check-ins/calendar/not-a-token.ics").status_code == 404


def test_the_feed_shows_no_notes(pair, principal, make_check_in):
    from principals.ics import feed_for

    meeting = make_check_in(datetime.datetime(2026, 1, 6, 15, tzinfo=UTC), shared_notes="Secretish")
    PrivateNote.objects.create(check_in=meeting, author=principal, text="Very private")
    text = feed_for(principal)
    assert "Secretish" not in text and "Very private" not in text


# --- Home and navigation ------------------------------------------------------------------


def test_home_shows_the_principals_next_check_in(upcoming, principal, client_for):
    body = client_for(principal).get("/").content.decode()
    assert "Check-ins" in body
    assert f"/check-ins/{upcoming.pk}/" in body


def test_home_shows_the_supervisors_principals(upcoming, superintendent, client_for):
    body = client_for(superintendent).get("/").content.decode()
    assert "principal</a> you check in with" in body


def test_teachers_have_no_check_ins_nav(teacher, client_for):
    body = client_for(teacher).get("/").content.decode()
    assert 'href="/check-ins/"' not in body


@pytest.mark.parametrize("count", [5, 50])
def test_principal_and_pair_pages_queries_do_not_grow_with_history(
    count, pair, principal, make_check_in, client_for, django_assert_max_num_queries
):
    now = timezone.now()
    for i in range(count):
        meeting = make_check_in(now - datetime.timedelta(days=14 * (i + 1)), status="held", pulse=3)
        services.agenda_item_add(check_in=meeting, by=principal, kind="question", text=f"Q{i}")
        ActionItem.objects.create(
            district=pair.district, pair=pair, check_in=meeting, owner=principal, text=f"A{i}"
        )
    upcoming = make_check_in(now + SOON)
    client = client_for(principal)
    with django_assert_max_num_queries(14):
        assert client.get("/check-ins/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"/check-ins/pairs/{pair.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url(upcoming)).status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_emerging_problems_queries_do_not_grow_with_problems(
    count, past, district, superintendent, client_for, django_assert_max_num_queries
):
    from districts.models import School

    theme = Theme.objects.create(district=district, name="Workload")
    for i in range(count):
        school = School.objects.create(district=district, name=f"S{i}")
        make_problem(district, school, past, theme, timezone.localdate())
    client = client_for(superintendent)
    with django_assert_max_num_queries(8):
        assert client.get("/check-ins/emerging/").status_code == 200


def test_the_feed_reads_in_the_persons_language_whatever_the_calendar_app_asks(
    pair, principal, client_for
):
    principal.language = "es"
    principal.save()
    client = client_for(principal)
    address = client.post("/check-ins/calendar/", {"action": "reset"}).context["feed_url"]
    client.logout()
    text = client.get(address, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "SUMMARY:Encuentro con Alice Okafor" in text
