"""The meeting page: who may open it, private notes, agenda and action items."""

import datetime

import pytest
from django.utils import timezone

from districts.models import Theme
from principals import reminders, services
from principals.models import (
    ActionItem,
    AgendaItem,
    CheckIn,
    CheckInPair,
    PrivateNote,
    Problem,
)
from tests.principals.conftest import SOON, url

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


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


def test_a_pulse_on_a_meeting_that_has_not_happened_is_refused_and_the_notes_kept(
    upcoming, superintendent, client_for
):
    client = client_for(superintendent)
    typed = {"shared_notes": "Questions to bring", "pulse": "4", "reflection": ""}
    response = client.post(url(upcoming, "notes/"), typed)
    assert response.status_code == 200
    assert "A pulse is given once the meeting&#x27;s day has come." in response.text
    assert "Questions to bring" in response.text
    upcoming.refresh_from_db()
    assert (upcoming.pulse, upcoming.shared_notes) == (None, "")
    # Notes to prepare the meeting are welcome before it.
    assert client.post(url(upcoming, "notes/"), typed | {"pulse": ""}).status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.shared_notes == "Questions to bring"


def test_a_reflection_on_a_meeting_that_has_not_happened_is_refused_and_kept(
    upcoming, principal, client_for
):
    response = client_for(principal).post(
        url(upcoming, "notes/"),
        {"shared_notes": "", "pulse": "", "reflection": "We listened more than last time."},
    )
    assert response.status_code == 200
    assert "A reflection is written once the meeting&#x27;s day has come." in response.text
    assert "We listened more than last time." in response.text
    upcoming.refresh_from_db()
    assert upcoming.reflection == ""


def test_a_pulse_is_given_from_the_meetings_own_day_where_the_district_is(
    make_check_in, superintendent, client_for, time_machine
):
    time_machine.move_to("2026-12-01 23:00Z", tick=False)  # 17:00 in Chicago
    tonight = make_check_in(datetime.datetime(2026, 12, 2, 4, tzinfo=UTC))  # 22:00 in Chicago
    CheckIn.objects.filter(pk=tonight.pk).update(cadence_on=None)  # moved there
    tomorrow = make_check_in(datetime.datetime(2026, 12, 2, 15, tzinfo=UTC))  # 9:00 there
    client = client_for(superintendent)
    typed = {"shared_notes": "", "pulse": "3", "reflection": ""}
    assert client.post(url(tonight, "notes/"), typed).status_code == 302
    assert client.post(url(tomorrow, "notes/"), typed).status_code == 200
    tonight.refresh_from_db(), tomorrow.refresh_from_db()
    assert (tonight.pulse, tomorrow.pulse) == (3, None)


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
