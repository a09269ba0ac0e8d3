"""Every admin change is kept in a log the district's leaders can read, and nobody else."""

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from districts.audit import AuditedAdmin, form_changes
from districts.models import AuditEntry, School, TeamMembership, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def it_admin(client):
    user = User.objects.create_superuser("it@cedar.example", "a-long-admin-password", name="Ivy IT")
    client.force_login(user)
    return client


def school_form(school, **changes):
    return {
        "name": school.name,
        "district": school.district_id,
        "level": school.level,
        "sourced_id": school.sourced_id,
        **changes,
    }


def test_an_admin_change_is_logged_with_old_and_new_values(it_admin, school):
    url = reverse("admin:districts_school_change", args=[school.pk])
    response = it_admin.post(url, school_form(school, name="Alder Creek School", level="k8"))
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert entry.district_id == school.district_id
    assert entry.actor_name == "Ivy IT"
    assert entry.action == AuditEntry.Action.CHANGE
    assert (entry.object_type, entry.object_id) == ("school", str(school.pk))
    assert entry.object_label == "Alder Creek School"
    assert entry.changes.splitlines() == [
        "name: Alder Creek Elementary → Alder Creek School",
        "level: Elementary → K–8",
    ]


def test_an_admin_addition_and_deletion_are_logged(it_admin, district):
    it_admin.post(
        reverse("admin:districts_school_add"),
        {"name": "Birch Middle", "district": district.pk, "level": "middle", "sourced_id": ""},
    )
    school = School.objects.get(name="Birch Middle")
    it_admin.post(reverse("admin:districts_school_delete", args=[school.pk]), {"post": "yes"})
    assert not School.objects.filter(pk=school.pk).exists()
    added, deleted = AuditEntry.objects.order_by("id")
    assert (added.action, added.district_id) == ("add", district.pk)
    assert "name: Birch Middle" in added.changes.splitlines()
    assert (deleted.action, deleted.object_label, deleted.district_id) == (
        "delete",
        "Birch Middle",
        district.pk,
    )


def test_a_bulk_delete_logs_each_row(it_admin, district):
    schools = School.objects.bulk_create(
        School(district=district, name=f"School {i}") for i in range(3)
    )
    it_admin.post(
        reverse("admin:districts_school_changelist"),
        {"action": "delete_selected", "_selected_action": [s.pk for s in schools], "post": "yes"},
    )
    assert sorted(AuditEntry.objects.values_list("object_label", flat=True)) == [
        "School 0",
        "School 1",
        "School 2",
    ]


def test_an_inline_membership_change_is_logged_on_the_team(it_admin, team, teacher):
    memberships = list(team.memberships.order_by("pk"))
    data = {
        "name": team.name,
        "district": team.district_id,
        "school": "",
        "purpose": team.purpose,
        "memberships-TOTAL_FORMS": "3",
        "memberships-INITIAL_FORMS": "2",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(memberships):
        data |= {
            f"memberships-{i}-id": m.pk,
            f"memberships-{i}-team": team.pk,
            f"memberships-{i}-user": m.user_id,
            f"memberships-{i}-team_role": m.team_role,
            f"memberships-{i}-joined_on": m.joined_on.isoformat(),
            f"memberships-{i}-left_on": "",
        }
    data["memberships-1-left_on"] = datetime.date.today().isoformat()
    data |= {
        "memberships-2-team": team.pk,
        "memberships-2-user": teacher.pk,
        "memberships-2-team_role": "member",
        "memberships-2-joined_on": datetime.date.today().isoformat(),
    }
    response = it_admin.post(reverse("admin:districts_leadershipteam_change", args=[team.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert TeamMembership.objects.filter(team=team, user=teacher).exists()
    entry = AuditEntry.objects.get()
    assert entry.district_id == team.district_id
    lines = entry.changes.splitlines()
    assert any(line.startswith("added team membership") for line in lines)
    assert any("left on: — → " in line for line in lines)


def test_the_password_reset_action_is_logged(it_admin, teacher):
    it_admin.post(
        reverse("admin:districts_user_changelist"),
        {"action": "send_password_reset_link", "_selected_action": [teacher.pk]},
    )
    entry = AuditEntry.objects.get()
    assert (entry.object_label, entry.changes) == ("Charlie Ramos", "Sent a password reset link")


def test_notes_passwords_and_authors_are_written_hidden():
    class NoteForm(forms.Form):
        concerns = forms.CharField()
        author = forms.CharField()
        title = forms.CharField()

    form = NoteForm(
        {"concerns": "My lead shouts.", "author": "Charlie", "title": "New"},
        initial={"concerns": "", "author": "", "title": "Old"},
    )
    assert form.is_valid()
    assert form_changes(form, add=False, hidden=AuditedAdmin()._audit_hidden()) == [
        "concerns: (hidden)",
        "author: (hidden)",
        "title: Old → New",
    ]


def test_audit_entries_are_append_only(district, superintendent):
    entry = AuditEntry.objects.create(
        district=district,
        actor_name="x",
        action="change",
        object_type="school",
        object_id="1",
        object_label="x",
    )
    entry.changes = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


# ----- the leaders' page


def make_entries(district, count, label="School"):
    now = timezone.now()
    return AuditEntry.objects.bulk_create(
        AuditEntry(
            district=district,
            actor_name="Ivy IT",
            action="change",
            object_type="school",
            object_id=str(i),
            object_label=f"{label} {i:02}",
            changes=f"name: old {i} → new {i}",
            at=now - datetime.timedelta(minutes=count - i),
        )
        for i in range(count)
    )


def test_a_district_leader_reads_the_log_newest_first_a_page_at_a_time(superintendent, client_for):
    make_entries(superintendent.district, 30)
    client = client_for(superintendent)
    first = client.get(reverse("districts:audit_log"))
    body = first.content.decode()
    assert first.status_code == 200
    assert body.index("School 29") < body.index("School 28")
    assert "School 05" in body and "School 04" not in body
    assert "name: old 29 → new 29" in body
    following = client.get(
        reverse("districts:audit_log"), {"at": first.context["page"].next_cursor}
    )
    assert "School 04" in following.content.decode()


def test_another_districts_leader_sees_none_of_our_entries(superintendent, outsider, client_for):
    make_entries(superintendent.district, 2, label="Cedar school")
    make_entries(outsider.district, 1, label="Harbor school")
    body = client_for(outsider).get(reverse("districts:audit_log")).content.decode()
    assert "Harbor school 00" in body
    assert "Cedar school" not in body


@pytest.mark.parametrize("persona", ["teacher", "principal", "community_member"])
def test_people_who_are_not_district_leaders_may_not_read_the_log(
    persona, superintendent, client_for, request
):
    make_entries(superintendent.district, 1)
    response = client_for(request.getfixturevalue(persona)).get(reverse("districts:audit_log"))
    assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(reverse("districts:audit_log")).status_code == 302


def test_the_nav_links_the_log_for_district_leaders_only(superintendent, teacher, client_for):
    url = reverse("districts:audit_log")
    assert (
        f'href="{url}"'
        in client_for(superintendent).get(reverse("districts:teams")).content.decode()
    )
    assert (
        f'href="{url}"' not in client_for(teacher).get(reverse("districts:teams")).content.decode()
    )


def test_the_leaders_page_never_shows_hidden_note_text(it_admin, superintendent, client_for, code):
    it_admin.post(
        reverse("admin:districts_codeofcooperation_change", args=[code.pk]),
        {
            "district": code.district_id,
            "school": code.school_id,
            "teacher": code.teacher_id,
            "class_name": "Grade 4, room 14",
        },
    )
    body = client_for(superintendent).get(reverse("districts:audit_log")).content.decode()
    assert "class: Grade 4, room 12 → Grade 4, room 14" in body
    assert "We listen to finish." not in body
