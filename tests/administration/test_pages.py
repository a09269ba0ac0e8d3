"""District administration: only the district's administrators, only their district, and
every change in the district's audit log with old and new values."""

import datetime

import pytest
from django.urls import reverse

from districts.models import AuditEntry, LeadershipTeam, School, TeamMembership, User
from principals.models import SchoolBreak

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_rows(other_district, other_school, outsider, other_team):
    school_break = SchoolBreak.objects.create(
        district=other_district,
        name="Winter",
        starts_on=datetime.date(2026, 12, 21),
        ends_on=datetime.date(2027, 1, 1),
    )
    return {
        "administration:person": outsider.pk,
        "administration:person_invite": outsider.pk,
        "administration:person_revoke": outsider.pk,
        "administration:school": other_school.pk,
        "administration:team": other_team.pk,
        "administration:membership": other_team.memberships.get().pk,
        "administration:break": school_break.pk,
    }


def test_every_url_of_another_district_is_404(client_for, administrator, other_rows):
    client = client_for(administrator)
    for name, pk in other_rows.items():
        url = reverse(name, args=[pk])
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"name": "Taken over", "delete": "1"}).status_code == 404, url
    assert User.objects.filter(name="Taken over").count() == 0
    assert TeamMembership.objects.count() == 1
    assert AuditEntry.objects.count() == 0


PAGES = [
    "administration:index",
    "administration:people",
    "administration:person_add",
    "administration:schools",
    "administration:teams",
    "administration:breaks",
    "administration:settings",
]


@pytest.mark.parametrize("persona", ["superintendent", "principal", "teacher", "outsider"])
def test_the_pages_are_not_there_for_anyone_but_administrators(client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 404, name
    assert client.post(reverse("administration:bulk_invite")).status_code == 404


def test_an_administrator_of_another_district_sees_only_their_own(
    client_for, other_administrator, school, teacher
):
    client = client_for(other_administrator)
    people = client.get(reverse("administration:people")).context["page"]
    assert [p.name for p in people] == ["Otto Berg"]
    schools = client.get(reverse("administration:schools")).context["page"]
    assert school not in list(schools)


def test_each_page_loads(client_for, administrator, team, principal):
    client = client_for(administrator)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("administration:person", args=[principal.pk])).status_code == 200
    assert client.get(reverse("administration:team", args=[team.pk])).status_code == 200


def log(entry_count=1):
    entries = list(AuditEntry.objects.order_by("-pk")[:entry_count])
    return entries[0] if entry_count == 1 else entries


def test_editing_a_person_is_logged_old_to_new(client_for, administrator, teacher, school):
    client = client_for(administrator)
    response = client.post(
        reverse("administration:person", args=[teacher.pk]),
        {
            "name": "Charlie Ramos",
            "email": "charlie@cedar.example",
            "role": "teacher_leader",
            "title": "Grade 4 lead",
            "schools": [school.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    entry = log()
    assert entry.district_id == teacher.district_id and entry.actor == administrator
    assert "role: Teacher → Teacher leader" in entry.changes
    assert "title: — → Grade 4 lead" in entry.changes
    body = client_for(administrator).get(reverse("districts:audit_log")).content.decode()
    assert "Teacher → Teacher leader" in body


def test_deactivating_a_person_is_logged_and_they_cannot_sign_in(
    client, administrator, teacher, school
):
    client.force_login(administrator)
    client.post(
        reverse("administration:person", args=[teacher.pk]),
        {"name": teacher.name, "email": teacher.email, "role": "teacher", "schools": [school.pk]},
    )
    assert "active (may sign in): yes → no" in log().changes.lower()
    client.logout()
    response = client.post(
        reverse("login"), {"username": teacher.email, "password": "a-long-test-password"}
    )
    assert response.status_code == 200


def test_an_administrator_cannot_deactivate_themselves(client_for, administrator, school):
    response = client_for(administrator).post(
        reverse("administration:person", args=[administrator.pk]),
        {"name": "Ivy Tran", "email": administrator.email, "role": "staff", "schools": [school.pk]},
    )
    assert "You cannot deactivate yourself." in response.content.decode()
    assert response.context["form"]["name"].value() == "Ivy Tran"


def test_adding_a_person_school_team_membership_and_break_is_logged(
    client_for, administrator, district, school, teacher
):
    client = client_for(administrator)
    client.post(
        reverse("administration:person_add"),
        {"name": "New Person", "email": "New@Cedar.Example", "role": "staff", "is_active": "on"},
    )
    person = User.objects.get(email="new@cedar.example")
    assert person.district == district and not person.has_usable_password()
    assert log().action == AuditEntry.Action.ADD

    client.post(reverse("administration:schools"), {"name": "Birch Middle", "level": "middle"})
    new_school = School.objects.get(name="Birch Middle")
    assert new_school.district == district
    client.post(
        reverse("administration:school", args=[new_school.pk]),
        {"name": "Birch Middle School", "level": "middle"},
    )
    assert log().changes == "name: Birch Middle → Birch Middle School"

    client.post(reverse("administration:teams"), {"name": "Birch team", "school": new_school.pk})
    team = LeadershipTeam.objects.get(name="Birch team")
    client.post(
        reverse("administration:team", args=[team.pk]),
        {
            "form": "member",
            "member-user": teacher.pk,
            "member-team_role": "lead",
            "member-joined_on": "2026-09-01",
        },
    )
    membership = team.memberships.get()
    assert membership.user == teacher
    assert log().district_id == district.pk
    client.post(
        reverse("administration:membership", args=[membership.pk]),
        {"user": teacher.pk, "team_role": "member", "joined_on": "2026-09-01"},
    )
    assert "team role: Lead → Member" in log().changes
    client.post(reverse("administration:membership", args=[membership.pk]), {"delete": "1"})
    assert log().action == AuditEntry.Action.DELETE and not team.memberships.exists()

    client.post(
        reverse("administration:breaks"),
        {"name": "Spring break", "starts_on": "2027-03-15", "ends_on": "2027-03-19"},
    )
    school_break = SchoolBreak.objects.get(district=district)
    client.post(
        reverse("administration:break", args=[school_break.pk]),
        {"name": "Spring break", "starts_on": "2027-03-15", "ends_on": "2027-03-22"},
    )
    assert log().changes.endswith("→ 2027-03-22")


def test_a_break_that_ends_before_it_starts_is_a_form_error(client_for, administrator):
    response = client_for(administrator).post(
        reverse("administration:breaks"),
        {"name": "Oops", "starts_on": "2027-03-15", "ends_on": "2027-03-10"},
    )
    assert response.status_code == 200
    assert "cannot end before it starts" in response.content.decode()
    assert response.context["form"]["name"].value() == "Oops"


SETTINGS_AS_THEY_ARE = {
    "coverage_target_days": "42",
    "rounding_visitors": "leaders",
    "reminder_days_before": "2",
    "digest_hour": "6",
}


def test_district_settings_are_logged(client_for, administrator, district):
    client_for(administrator).post(
        reverse("administration:settings"),
        {
            "name": "Cedar Valley",
            "timezone": "America/Denver",
            "invite_students_and_families": "on",
            **SETTINGS_AS_THEY_ARE,
        },
    )
    district.refresh_from_db()
    assert district.timezone == "America/Denver" and district.invite_students_and_families
    assert "timezone: America/Chicago → America/Denver" in log().changes


def test_the_people_page_keeps_to_its_query_budget(
    client_for, administrator, district, school, make_person_in, django_assert_max_num_queries
):
    client = client_for(administrator)
    for number in range(50):
        make_person_in(
            district, "teacher", f"Teacher {number}", f"t{number}@cedar.example", [school]
        )
    with django_assert_max_num_queries(12):
        assert client.get(reverse("administration:people")).status_code == 200


def test_the_django_admin_is_for_platform_operators_only(client, administrator, superintendent):
    superintendent.is_staff = True  # staff without being a superuser: not a platform operator
    superintendent.save()
    for person in (administrator, superintendent):
        client.force_login(person)
        response = client.get(reverse("admin:districts_user_changelist"))
        assert response.status_code == 302 and "/admin/login/" in response.url
    superintendent.is_superuser = True
    superintendent.save()
    assert client.get(reverse("admin:districts_user_changelist")).status_code == 200


def test_only_administrators_see_the_administration_link(client_for, administrator, teacher):
    url = reverse("administration:index")
    assert f'href="{url}"' in client_for(administrator).get(reverse("home")).content.decode()
    assert f'href="{url}"' not in client_for(teacher).get(reverse("home")).content.decode()
