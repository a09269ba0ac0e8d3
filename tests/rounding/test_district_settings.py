"""The district's rounding settings: its visit targets and who may log visits."""

import datetime

import pytest
from django.urls import reverse

from districts.models import District, School
from rounding import selectors, services
from rounding.models import RoundingVisit

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 18, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 20)
TWENTY_DAYS_AGO = TODAY - datetime.timedelta(days=20)


def visited(school, by, date, group="staff"):
    visit = services.visit_start(school=school, by=by, date=date)
    services.conversation_add(visit=visit, name="Pat", role_group=group, working="ok")
    return visit


@pytest.fixture
def both_visited(school, other_school, superintendent, make_person_in, other_district):
    other_leader = make_person_in(other_district, "superintendent", "Oda Lind", "oda@h.example")
    visited(school, superintendent, TWENTY_DAYS_AGO, group="teacher")
    visited(other_school, other_leader, TWENTY_DAYS_AGO, group="teacher")
    return other_leader


def test_a_fourteen_day_target_makes_a_school_overdue_at_twenty_days(
    client_for, district, superintendent, both_visited, time_machine
):
    time_machine.move_to(NOW)
    district.coverage_target_days = 14
    district.save()
    superintendent.refresh_from_db()
    row = selectors.coverage(superintendent, today=TODAY)["rows"][0]
    assert row["days"] == 20 and row["overdue"]
    assert selectors.home_summary(superintendent)["overdue_schools"] == 1
    page = client_for(superintendent).get(reverse("rounding:coverage")).text
    assert "against a target of every 14 days" in page
    assert '<td class="overdue">20 d</td>' in page
    home = client_for(superintendent).get(reverse("home")).text
    assert "<strong>1</strong> school past the visit target" in home
    # The other district keeps the six weeks it always had.
    other = selectors.coverage(both_visited, today=TODAY)
    assert other["target"] == 42 and not other["rows"][0]["overdue"]
    assert selectors.home_summary(both_visited)["overdue_schools"] == 0


def test_a_role_group_can_have_its_own_target(
    client_for, district, superintendent, both_visited, time_machine
):
    time_machine.move_to(NOW)
    district.coverage_group_targets = {"teacher": 14}
    district.save()
    page = client_for(superintendent).get(reverse("rounding:coverage")).text
    # The school is within six weeks; its teachers, met 20 days ago, are past their 14.
    assert '<td class="">20 d</td>' in page
    assert '<td class="gap">20 d</td>' in page
    assert '<li class="gap"><span class="group">Teacher</span> 20 d</li>' in page
    assert '<li class="gap"><span class="group">Teacher</span>' not in (
        client_for(both_visited).get(reverse("rounding:coverage")).text
    )


def test_the_briefing_measures_against_the_district_target(
    client_for, district, superintendent, school, both_visited, time_machine
):
    time_machine.move_to(NOW)
    url = reverse("rounding:briefing", args=[school.pk])
    assert 'class="overdue"' not in client_for(superintendent).get(url).text
    district.coverage_target_days = 14
    district.save()
    assert 'class="overdue"' in client_for(superintendent).get(url).text


# Who may log visits


def start(client, school):
    return client.post(
        reverse("rounding:visit_start"),
        {"school": school.pk, "date": TODAY.isoformat(), "purpose": "Meet the kitchen"},
    )


def log(client, visit):
    return client.post(
        reverse("rounding:conversation_add", args=[visit.pk]),
        {"name": "Pat", "role_group": "cook", "working": "The new menu"},
    )


def principals_may_log(district):
    district.rounding_visitors = District.RoundingVisitors.LEADERS_AND_PRINCIPALS
    district.save()


def test_in_a_leaders_only_district_a_principal_neither_starts_nor_logs(
    client_for, principal, school, superintendent, time_machine
):
    time_machine.move_to(NOW)
    client = client_for(principal)
    assert client.get(reverse("rounding:visit_start")).status_code == 404
    assert start(client, school).status_code == 404
    visit = services.visit_start(school=school, by=superintendent, date=TODAY)
    assert log(client, visit).status_code == 404
    assert not RoundingVisit.objects.filter(created_by=principal).exists()
    assert not visit.conversations.exists()
    page = client.get(reverse("rounding:school", args=[school.pk])).text
    assert reverse("rounding:visit_start") not in page


def test_a_principal_may_start_and_log_a_visit_at_their_school(
    client_for, district, principal, school, time_machine
):
    time_machine.move_to(NOW)
    principals_may_log(district)
    client = client_for(principal)
    page = client.get(reverse("rounding:school", args=[school.pk])).text
    assert f"{reverse('rounding:visit_start')}?school={school.pk}" in page
    response = start(client, school)
    visit = RoundingVisit.objects.get(created_by=principal)
    assert response.status_code == 302 and visit.school == school
    assert log(client, visit).status_code == 302
    assert visit.conversations.get().name == "Pat"
    assert client.get(reverse("rounding:visits")).status_code == 200


def test_a_principal_cannot_start_a_visit_at_another_school_or_district(
    client_for, district, principal, other_school, time_machine
):
    time_machine.move_to(NOW)
    principals_may_log(district)
    principals_may_log(other_school.district)
    elsewhere = School.objects.create(district=district, name="Birchwood Elementary")
    client = client_for(principal)
    for school in (elsewhere, other_school):
        response = start(client, school)
        assert response.status_code == 200
        assert "Select a valid choice" in response.text
    assert not RoundingVisit.objects.exists()


def test_a_principal_cannot_log_at_another_schools_or_districts_visit(
    client_for, district, principal, superintendent, other_school, make_person_in, time_machine
):
    time_machine.move_to(NOW)
    principals_may_log(district)
    principals_may_log(other_school.district)
    elsewhere = School.objects.create(district=district, name="Birchwood Elementary")
    their_principal = make_person_in(
        district, "principal", "Dee Park", "dee@cedar.example", [elsewhere]
    )
    outsider = make_person_in(
        other_school.district, "principal", "Eve Holm", "eve@h.example", [other_school]
    )
    visits = [
        services.visit_start(school=elsewhere, by=their_principal, date=TODAY),
        services.visit_start(school=elsewhere, by=superintendent, date=TODAY),
        services.visit_start(school=other_school, by=outsider, date=TODAY),
    ]
    client = client_for(principal)
    for visit in visits:
        assert log(client, visit).status_code == 404
        assert client.get(visit.get_absolute_url()).status_code == 404
        assert not visit.conversations.exists()


def test_leaders_still_start_visits_anywhere_in_their_district(
    client_for, district, superintendent, school, other_school, time_machine
):
    time_machine.move_to(NOW)
    principals_may_log(district)
    client = client_for(superintendent)
    assert start(client, school).status_code == 302
    assert start(client, other_school).status_code == 200
    assert RoundingVisit.objects.get().school == school
