"""What the supervisor's, the principal's and the meeting pages show, now that they work out
their rows in the view and write their small forms themselves."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from districts.models import Theme
from principals import services
from principals.models import CheckIn, CheckInPair
from principals.views import RECENT_MEETINGS
from tests.principals.conftest import SOON, url

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")


# --- The supervisor's principals ----------------------------------------------------------


def test_a_card_shows_last_met_and_the_next_meeting_in_the_districts_zone(
    make_check_in, superintendent, client_for
):
    # 02:30 UTC is still the evening before in Chicago.
    held = datetime.datetime(2026, 3, 3, 2, 30, tzinfo=datetime.UTC)
    make_check_in(held, status="held")
    nxt = make_check_in(timezone.now() + SOON)
    body = client_for(superintendent).get("/check-ins/").content.decode()
    assert "<dt>Last met</dt><dd>2 Mar 2026" in body
    next_day = timezone.localtime(nxt.scheduled_at, CHICAGO)
    assert f'<a href="/check-ins/{nxt.pk}/">{next_day:%a} {next_day.day} {next_day:%b}</a>' in body


def test_a_new_pair_shows_its_empty_states(pair, superintendent, client_for):
    body = client_for(superintendent).get("/check-ins/").content.decode()
    assert "<dt>Last met</dt><dd>not yet</dd>" in body
    assert "nothing planned" in body
    assert "none yet" in body
    assert "<dt>Missed</dt><dd>0</dd>" in body


def test_a_pair_past_its_rhythm_is_marked_late(pair, superintendent, client_for):
    CheckInPair.objects.filter(pk=pair.pk).update(overdue_since=timezone.now())
    body = client_for(superintendent).get("/check-ins/").content.decode()
    assert '<li class="late">' in body
    assert "past the rhythm" in body


def test_missed_and_last_met_count_only_their_own_pairs_meetings(
    pair, make_check_in, make_pair, superintendent, district, school, make_person_in, client_for
):
    other = make_pair(
        superintendent,
        make_person_in(district, "principal", "Cy Adams", "cy@cedar.example", [school]),
        school,
        weekday=2,
        local_time=datetime.time(10),
    )
    now = timezone.now()
    for days in (5, 19):
        make_check_in(now - datetime.timedelta(days=days), status="missed", on_pair=other)
    make_check_in(now - datetime.timedelta(days=12), status="held", on_pair=other)
    body = client_for(superintendent).get("/check-ins/").content.decode()
    bobs_card, cys_card = body.split("Cy Adams")  # Bob's card comes first, by name
    assert '<dt>Missed</dt><dd><span class="overdue">2</span></dd>' in cys_card
    assert "<dt>Missed</dt><dd>0</dd>" in bobs_card
    assert "not yet" in bobs_card and "not yet" not in cys_card


def test_every_supervisor_shows_who_supervises_each_pair(pair, superintendent, client_for):
    client = client_for(superintendent)
    assert "with Alice Okafor" in client.get("/check-ins/?who=all").content.decode()
    assert "with Alice Okafor" not in client.get("/check-ins/").content.decode()


# --- The principal's history --------------------------------------------------------------


def test_the_principal_sees_recent_meetings_and_reaches_older_ones(
    make_check_in, principal, client_for
):
    now = timezone.now()
    meetings = [
        make_check_in(now - datetime.timedelta(days=14 * (weeks + 1)), status="held")
        for weeks in range(RECENT_MEETINGS + 3)
    ]
    client = client_for(principal)
    first = client.get("/check-ins/").content.decode()
    newest, oldest = meetings[0], meetings[-1]
    assert f"/check-ins/{newest.pk}/" in first
    assert f"/check-ins/{oldest.pk}/" not in first
    assert 'href="?page=2"' in first
    older = client.get("/check-ins/?page=2").content.decode()
    assert f"/check-ins/{oldest.pk}/" in older
    assert f"/check-ins/{newest.pk}/" not in older


def test_a_page_past_the_end_of_the_history_shows_the_last_one(
    make_check_in, principal, client_for
):
    meeting = make_check_in(timezone.now() - SOON, status="held")
    for page in ("99", "x"):
        response = client_for(principal).get(f"/check-ins/?page={page}")
        assert response.status_code == 200
        assert f"/check-ins/{meeting.pk}/" in response.content.decode()


# --- The meeting page ---------------------------------------------------------------------


def test_a_moved_meeting_links_both_ways(upcoming, principal, client_for):
    client = client_for(principal)
    new_day = (upcoming.local_start() + datetime.timedelta(days=2)).date()
    client.post(url(upcoming, "move/"), {"on": new_day.isoformat()})
    moved = CheckIn.objects.get(moved_from=upcoming)
    old_page = client.get(url(upcoming)).content.decode()
    assert f'This meeting was moved to <a href="/check-ins/{moved.pk}/">' in old_page
    new_page = client.get(url(moved)).content.decode()
    assert f"Moved from {upcoming.local_start():%A} {upcoming.local_start().day}" in new_page
    assert "This meeting was moved to" not in new_page


def test_an_action_with_a_bad_date_keeps_what_was_typed(upcoming, principal, client_for):
    response = client_for(principal).post(
        url(upcoming, "actions/"),
        {"text": "Call the bus company", "owner": principal.pk, "due_on": "soon"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Call the bus company"' in body
    assert f'<option value="{principal.pk}" selected>' in body
    assert "Enter a valid date" in body
    assert 'id="action_due_on_error"' in body and 'aria-invalid="true"' in body


def test_a_problem_without_text_keeps_its_themes_ticked(past, superintendent, district, client_for):
    chosen = Theme.objects.create(district=district, name="Transportation")
    Theme.objects.create(district=district, name="Staffing")
    response = client_for(superintendent).post(
        url(past, "problems/"), {"text": "", "themes": [chosen.pk]}
    )
    body = response.content.decode()
    assert "This field is required" in body
    assert f'value="{chosen.pk}" id="problem_themes_1" checked>' in body
    assert 'id="problem_themes_0">' in body  # Staffing, alphabetically first, not ticked


def test_the_notes_form_shows_what_was_saved(past, superintendent, client_for):
    past.shared_notes = "Attendance <up>"
    past.pulse = 4
    past.save()
    body = client_for(superintendent).get(url(past)).content.decode()
    assert "Attendance &lt;up&gt;</textarea>" in body
    assert '<option value="4" selected>4</option>' in body


def test_agenda_items_show_who_added_them_and_where_they_came_from(
    make_check_in, principal, superintendent, client_for
):
    earlier = make_check_in(datetime.datetime(2026, 3, 3, 15, tzinfo=datetime.UTC))
    services.agenda_item_add(check_in=earlier, by=principal, kind="problem", text="Bus routes")
    services.action_item_add(check_in=earlier, owner=principal, text="Call the depot", due_on=None)
    services.check_in_set_status(check_in=earlier, status="missed")
    following = make_check_in(timezone.now() + SOON)
    services.agenda_item_add(check_in=following, by=superintendent, kind="celebration", text="Art")
    body = client_for(principal).get(url(following)).content.decode()
    assert "Bob Lindqvist · carried from 3 Mar 2026</span>" in body
    assert "Bob Lindqvist · from 3 Mar 2026</span>" in body
    assert '<span class="tag kind-celebration">Celebration</span>' in body
    assert "Alice Okafor</span>" in body


# --- Adding a principal -------------------------------------------------------------------


def test_adding_a_principal_offers_only_those_without_check_ins_and_their_schools(
    pair, superintendent, district, school, make_person_in, client_for
):
    from districts.models import School

    birchwood = School.objects.create(district=district, name="Birchwood Middle")
    School.objects.create(district=district, name="Cedar High")  # nobody's school yet
    newcomer = make_person_in(district, "principal", "Nia Okoro", "nia@cedar.example", [birchwood])
    body = client_for(superintendent).get("/check-ins/pairs/new/").content.decode()
    assert f'<option value="{newcomer.pk}">Nia Okoro</option>' in body
    assert "Bob Lindqvist" not in body  # already meets at his only school
    assert "Birchwood Middle" in body
    assert "Alder Creek" not in body and "Cedar High" not in body


def test_a_school_that_is_not_the_principals_own_is_refused(
    superintendent, district, school, make_person_in, client_for
):
    from districts.models import School

    elsewhere = School.objects.create(district=district, name="Birchwood Middle")
    make_person_in(district, "principal", "Nia Okoro", "nia@cedar.example", [elsewhere])
    bob = make_person_in(district, "principal", "Bo Reyes", "bo@cedar.example", [school])
    response = client_for(superintendent).post(
        "/check-ins/pairs/new/",
        {
            "principal": bob.pk,
            "school": elsewhere.pk,
            "supervisor": superintendent.pk,
            "weekday": 2,
            "local_time": "15:30",
            "interval_weeks": 2,
            "starts_on": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "the principal&#x27;s own schools" in response.content.decode()
    assert not CheckInPair.objects.exists()


def test_when_every_principal_has_check_ins_the_form_says_so(pair, superintendent, client_for):
    body = client_for(superintendent).get("/check-ins/pairs/new/").content.decode()
    assert "Every principal already has check-ins" in body
    assert "Plan the check-ins" not in body
