import datetime

import pytest
from django.utils import timezone

from districts.models import Theme
from principals import reminders, services
from principals.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    CheckIn,
    CheckInPair,
    PrivateNote,
    Problem,
    SchoolBreak,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
SOON = datetime.timedelta(days=3)


@pytest.fixture
def upcoming(make_check_in):
    return make_check_in(timezone.now() + SOON)


@pytest.fixture
def past(make_check_in):
    return make_check_in(timezone.now() - datetime.timedelta(days=11), status=CheckIn.Status.HELD)


def url(check_in, suffix=""):
    return f"/check-ins/{check_in.pk}/{suffix}"


# --- Who may open a meeting ---------------------------------------------------------------


def test_the_pair_and_the_superintendent_open_the_check_in(
    upcoming, principal, superintendent, client_for
):
    assert client_for(principal).get(url(upcoming)).status_code == 200
    assert client_for(superintendent).get(url(upcoming)).status_code == 200


def test_a_district_leader_outside_the_pair_gets_404(upcoming, assistant, client_for):
    assert client_for(assistant).get(url(upcoming)).status_code == 404


def test_a_teacher_gets_404(upcoming, teacher, client_for):
    assert client_for(teacher).get(url(upcoming)).status_code == 404


def test_another_district_gets_404_on_every_address(upcoming, outsider, client_for):
    client = client_for(outsider)
    assert client.get(url(upcoming)).status_code == 404
    assert client.get(f"/check-ins/pairs/{upcoming.pair_id}/").status_code == 404
    for suffix in ("agenda/", "actions/", "notes/", "private-note/", "status/", "move/"):
        assert client.post(url(upcoming, suffix), {"text": "x"}).status_code == 404


def test_the_superintendent_reading_along_cannot_write(
    upcoming, superintendent, principal, district, school, make_person_in, client_for
):
    other_principal = make_person_in(district, "principal", "Zed", "zed@cedar.example", [school])
    assistant = make_person_in(district, "district_leader", "Asa", "asa@cedar.example")
    upcoming.pair.supervisor = assistant
    upcoming.pair.principal = other_principal
    upcoming.pair.save()
    client = client_for(superintendent)
    assert client.get(url(upcoming)).status_code == 200
    response = client.post(url(upcoming, "agenda/"), {"kind": "question", "text": "Sneaky"})
    assert response.status_code == 404
    assert not AgendaItem.objects.exists()


# --- Private notes ------------------------------------------------------------------------


@pytest.fixture
def secret(past, principal):
    return PrivateNote.objects.create(
        check_in=past, author=principal, text="I am thinking of leaving in June."
    )


def test_the_writer_reads_their_private_note(secret, past, principal, client_for):
    assert "thinking of leaving" in client_for(principal).get(url(past)).content.decode()


def test_the_supervisor_cannot_read_the_principals_private_note(
    secret, past, superintendent, client_for
):
    body = client_for(superintendent).get(url(past)).content.decode()
    assert "thinking of leaving" not in body


def test_a_district_leader_cannot_read_a_private_note(secret, past, assistant, client_for):
    response = client_for(assistant).get(url(past))
    assert response.status_code == 404
    assert "thinking of leaving" not in response.content.decode()


def test_the_admin_has_no_screen_for_private_notes(secret, past, admin_user, client_for):
    client = client_for(admin_user)
    assert client.get("/admin/principals/privatenote/").status_code == 404
    assert client.get(f"/admin/principals/privatenote/{secret.pk}/change/").status_code == 404
    assert client.get("/admin/principals/checkin/").status_code == 404
    index = client.get("/admin/").content.decode()
    assert "Private note" not in index
    for page in ("/check-ins/", url(past), f"/check-ins/pairs/{past.pair_id}/"):
        assert "thinking of leaving" not in client.get(page).content.decode()


def test_writing_my_private_note_never_touches_the_other_sides(
    secret, past, superintendent, client_for
):
    client = client_for(superintendent)
    response = client.post(url(past, "private-note/"), {"text": "My own view."})
    assert response.status_code == 302
    assert PrivateNote.objects.get(author=superintendent).text == "My own view."
    secret.refresh_from_db()
    assert secret.text == "I am thinking of leaving in June."


def test_private_notes_are_not_in_reminder_emails(secret, past, mailoutbox):
    reminders.reminders_send(now=past.scheduled_at + datetime.timedelta(hours=2))
    assert all("thinking of leaving" not in m.body for m in mailoutbox)


def test_the_private_note_query_only_ever_returns_the_authors(secret, superintendent, principal):
    assert list(PrivateNote.objects.visible_to(superintendent)) == []
    assert list(PrivateNote.objects.visible_to(principal)) == [secret]


# --- Agenda and action items --------------------------------------------------------------


def test_the_principal_adds_an_agenda_item_with_htmx(upcoming, principal, client_for):
    response = client_for(principal).post(
        url(upcoming, "agenda/"),
        {"kind": "high_performers", "text": "Ms. Ortiz wants to lead the PLC"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ms. Ortiz wants to lead the PLC" in body
    assert "<html" not in body
    item = AgendaItem.objects.get()
    assert item.added_by == principal and item.pair_id == upcoming.pair_id


def test_an_empty_agenda_item_explains_and_keeps_the_kind(upcoming, principal, client_for):
    response = client_for(principal).post(url(upcoming, "agenda/"), {"kind": "problem", "text": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert 'value="problem" selected' in response.content.decode()


def test_a_bad_kind_is_explained_not_a_500(upcoming, principal, client_for):
    response = client_for(principal).post(url(upcoming, "agenda/"), {"kind": "zzz", "text": "x"})
    assert response.status_code == 200
    assert not AgendaItem.objects.exists()


def test_resolving_an_item_with_htmx(upcoming, principal, client_for):
    item = services.agenda_item_add(check_in=upcoming, by=principal, kind="question", text="Q")
    response = client_for(principal).post(
        url(upcoming, f"agenda/{item.pk}/resolve/"), {"resolved": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.resolved and item.resolved_in == upcoming


def test_another_pairs_item_cannot_be_resolved(
    upcoming,
    principal,
    district,
    school,
    superintendent,
    make_person_in,
    make_check_in,
    make_pair,
    client_for,
):
    someone = make_person_in(district, "principal", "Other", "o@cedar.example", [school])
    other_pair = make_pair(superintendent, someone, school)
    theirs = make_check_in(timezone.now() + SOON, on_pair=other_pair)
    item = services.agenda_item_add(check_in=theirs, by=someone, kind="question", text="Q")
    response = client_for(principal).post(url(upcoming, f"agenda/{item.pk}/resolve/"))
    assert response.status_code == 404


def test_unresolved_items_carry_forward_across_a_missed_meeting(
    make_check_in, principal, superintendent, client_for
):
    first = make_check_in(timezone.now() - datetime.timedelta(days=15))
    services.agenda_item_add(check_in=first, by=principal, kind="problem", text="Bus routes")
    done = services.agenda_item_add(check_in=first, by=principal, kind="question", text="Done one")
    services.agenda_item_resolve(item=done, at=first)
    services.check_in_set_status(check_in=first, status="missed")
    following = make_check_in(timezone.now() + SOON)
    body = client_for(superintendent).get(url(following)).content.decode()
    assert "Bus routes" in body
    assert "carried from" in body
    assert "Done one" not in body


def test_a_moved_meeting_takes_its_open_agenda_and_the_series_continues(
    upcoming, principal, client_for
):
    services.agenda_item_add(check_in=upcoming, by=principal, kind="problem", text="Staffing")
    new_day = (upcoming.local_start() + datetime.timedelta(days=2)).date()
    response = client_for(principal).post(url(upcoming, "move/"), {"on": new_day.isoformat()})
    assert response.status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.status == CheckIn.Status.RESCHEDULED
    moved = CheckIn.objects.get(moved_from=upcoming)
    assert moved.cadence_on is None
    assert moved.local_start().time() == upcoming.pair.local_time
    assert AgendaItem.objects.get().check_in == moved


def test_moving_to_the_past_is_explained(upcoming, principal, client_for):
    response = client_for(principal).post(url(upcoming, "move/"), {"on": "2020-01-01"})
    assert response.status_code == 200
    assert "still ahead" in response.content.decode()
    upcoming.refresh_from_db()
    assert upcoming.status == CheckIn.Status.SCHEDULED


def test_a_bad_date_is_explained(upcoming, principal, client_for):
    response = client_for(principal).post(url(upcoming, "move/"), {"on": "not-a-date"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_the_supervisor_records_notes_pulse_and_an_action_that_shows_next_time(
    past, upcoming, superintendent, principal, client_for
):
    client = client_for(superintendent)
    response = client.post(
        url(past, "notes/"),
        {"shared_notes": "Talked about attendance.", "pulse": "4", "reflection": "Calmer."},
    )
    assert response.status_code == 302
    past.refresh_from_db()
    assert (past.shared_notes, past.pulse) == ("Talked about attendance.", 4)
    client.post(
        url(past, "actions/"), {"text": "Call the bus company", "owner": principal.pk, "due_on": ""}
    )
    assert ActionItem.objects.get().owner == principal
    assert "Call the bus company" in client.get(url(upcoming)).content.decode()


def test_a_pulse_out_of_range_is_explained(past, superintendent, client_for):
    response = client_for(superintendent).post(
        url(past, "notes/"), {"shared_notes": "kept", "pulse": "9", "reflection": ""}
    )
    assert response.status_code == 200
    assert "kept" in response.content.decode()
    past.refresh_from_db()
    assert past.pulse is None


def test_an_action_owner_from_outside_the_pair_is_refused(
    past, superintendent, teacher, client_for
):
    response = client_for(superintendent).post(
        url(past, "actions/"), {"text": "x", "owner": teacher.pk}
    )
    assert response.status_code == 200
    assert not ActionItem.objects.exists()


def test_marking_a_future_meeting_held_is_explained(upcoming, principal, client_for):
    response = client_for(principal).post(url(upcoming, "status/"), {"status": "held"})
    assert response.status_code == 200
    assert "once its day has come" in response.content.decode()


def test_marking_held_clears_the_overdue_flag(make_check_in, principal, client_for, pair):
    meeting = make_check_in(timezone.now() - datetime.timedelta(hours=1))
    CheckInPair.objects.filter(pk=pair.pk).update(overdue_since=timezone.now())
    client_for(principal).post(url(meeting, "status/"), {"status": "held"})
    pair.refresh_from_db()
    assert pair.overdue_since is None


def test_problems_are_tagged_with_the_districts_themes_only(
    past, superintendent, district, other_district, client_for
):
    ours = Theme.objects.create(district=district, name="Transportation")
    theirs = Theme.objects.create(district=other_district, name="Not ours")
    client_for(superintendent).post(
        url(past, "problems/"), {"text": "Late buses", "themes": [ours.pk]}
    )
    assert list(Problem.objects.get().themes.all()) == [ours]
    response = client_for(superintendent).post(
        url(past, "problems/"), {"text": "Sneaky", "themes": [theirs.pk]}
    )
    assert response.status_code == 200
    assert Problem.objects.count() == 1


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


def test_emerging_problems_rise_and_name_only_groups_of_four_or_more(
    past, district, superintendent, client_for
):
    from districts.models import School

    today = timezone.localdate()
    buses = Theme.objects.create(district=district, name="Transportation")
    staffing = Theme.objects.create(district=district, name="Staffing")
    schools = [School.objects.create(district=district, name=f"School {i}") for i in range(5)]
    for school in schools[:4]:
        make_problem(district, school, past, buses, today - datetime.timedelta(days=3))
    make_problem(district, schools[0], past, buses, today - datetime.timedelta(days=40))
    for school in schools[:3]:
        make_problem(district, school, past, staffing, today - datetime.timedelta(days=3))
    body = client_for(superintendent).get("/check-ins/emerging/").content.decode()
    assert "Transportation" in body and "rising" in body
    assert "School 0, School 1, School 2, School 3" in body
    assert "Staffing" in body and "at 3 schools" in body
    staffing_part = body.split("Staffing")[1].split("</li>")[0]
    assert "School" not in staffing_part.replace("schools", "")


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
    client.post("/check-ins/calendar/", {"action": "reset"})
    feed = CalendarFeed.objects.get(user=principal)
    client.logout()
    response = client.get(f"/check-ins/calendar/{feed.token}.ics")
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
    client.post("/check-ins/calendar/", {"action": "reset"})
    old = CalendarFeed.objects.get().token
    client.post("/check-ins/calendar/", {"action": "reset"})
    assert client.get(f"/check-ins/calendar/{old}.ics").status_code == 404
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
