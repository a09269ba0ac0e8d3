"""Every who-sees-what rule of rounding, each with a try to break it."""

import pytest
from django.urls import reverse

from rounding.models import Celebration, Conversation, FollowUp, RoundingVisit

pytestmark = pytest.mark.django_db


def test_superintendent_sees_the_visit_and_its_notes(client_for, superintendent, conversation):
    response = client_for(superintendent).get(
        reverse("rounding:visit", args=[conversation.visit_id])
    )
    assert response.status_code == 200
    assert "The walk-in freezer door does not seal." in response.text
    assert "Rosa Ibarra" in response.text


def test_principal_cannot_open_the_visit_with_notes(client_for, principal, conversation):
    response = client_for(principal).get(reverse("rounding:visit", args=[conversation.visit_id]))
    assert response.status_code == 404


def test_teacher_cannot_open_a_visit(client_for, teacher, visit):
    assert client_for(teacher).get(reverse("rounding:visit", args=[visit.pk])).status_code == 404


def test_principal_cannot_post_a_conversation_or_use_its_endpoints(
    client_for, principal, conversation
):
    client = client_for(principal)
    visit_id = conversation.visit_id
    for url in [
        reverse("rounding:conversation_add", args=[visit_id]),
        reverse("rounding:celebration_add", args=[visit_id]),
        reverse("rounding:visit_summary", args=[visit_id]),
        reverse("rounding:note_check", args=[visit_id]),
        reverse("rounding:conversation_follow_up", args=[conversation.pk]),
    ]:
        assert (
            client.post(url, {"name": "x", "role_group": "cook", "working": "x"}).status_code == 404
        ), url
    assert client.get(reverse("rounding:roster_search", args=[visit_id])).status_code == 404
    assert Conversation.objects.count() == 1


def test_principal_on_the_visit_as_visitor_sees_its_notes(client_for, principal, conversation):
    conversation.visit.visitors.add(principal)
    response = client_for(principal).get(reverse("rounding:visit", args=[conversation.visit_id]))
    assert response.status_code == 200


def test_conversation_querysets_follow_the_rule(
    conversation, superintendent, principal, teacher, outsider, student, community_member
):
    assert list(Conversation.objects.visible_to(superintendent)) == [conversation]
    for person in (principal, teacher, outsider, student, community_member):
        assert not Conversation.objects.visible_to(person).exists()
        assert not RoundingVisit.objects.visible_to(person).exists()


def test_principal_sees_follow_ups_and_stoplight_but_not_who_raised_them(
    client_for, principal, follow_up, celebration
):
    response = client_for(principal).get(reverse("rounding:school", args=[follow_up.school_id]))
    assert response.status_code == 200
    assert "Replace the freezer door seal" in response.text
    assert "Forty new recipes" in response.text
    assert "Facilities" in response.text  # themes are for the principal
    assert "does not seal" not in response.text  # the conversation's words are not
    detail = client_for(principal).get(reverse("rounding:follow_up", args=[follow_up.pk]))
    assert detail.status_code == 200
    assert "conversation with" not in detail.text


def test_stoplight_report_names_nobody_who_raised_what(
    client_for, teacher, follow_up, conversation
):
    response = client_for(teacher).get(reverse("rounding:school", args=[follow_up.school_id]))
    assert response.status_code == 200
    assert "Replace the freezer door seal" in response.text
    # The cook who raised it is named nowhere on the report (she is named on the shared celebration only when one exists).
    assert "Rosa" not in response.text
    assert "Ibarra" not in response.text


def test_follow_up_page_hides_the_speaker_from_staff(client_for, teacher, follow_up):
    response = client_for(teacher).get(reverse("rounding:follow_up", args=[follow_up.pk]))
    assert response.status_code == 200
    assert "Rosa" not in response.text


def test_drafted_follow_up_takes_the_speakers_name_out(client_for, superintendent, visit, cook):
    from rounding import services

    conversation = services.conversation_add(
        visit=visit, person=cook, concerns="Rosa says the oven is broken; Ibarra asked twice."
    )
    form = (
        client_for(superintendent)
        .get(reverse("rounding:conversation_follow_up", args=[conversation.pk]))
        .context["form"]
    )
    drafted = form["what"].value() + form["heard"].value()
    assert "Rosa" not in drafted
    assert "Ibarra" not in drafted


def test_drafted_follow_up_takes_student_names_out(client_for, superintendent, visit, student):
    from rounding import services

    conversation = services.conversation_add(
        visit=visit, name="Ana", role_group="teacher", concerns="Eli has no seat on the bus."
    )
    form = (
        client_for(superintendent)
        .get(reverse("rounding:conversation_follow_up", args=[conversation.pk]))
        .context["form"]
    )
    drafted = form["what"].value() + form["heard"].value()
    assert "Eli" not in drafted
    assert "Ana" not in drafted


def test_staff_of_another_school_do_not_see_the_stoplight(
    client_for, district, make_person_in, follow_up
):
    from districts.models import School

    elsewhere = School.objects.create(district=district, name="Birchwood")
    teacher = make_person_in(district, "teacher", "T", "t@cedar.example", [elsewhere])
    client = client_for(teacher)
    assert client.get(reverse("rounding:school", args=[follow_up.school_id])).status_code == 404
    assert client.get(reverse("rounding:follow_up", args=[follow_up.pk])).status_code == 404


def test_students_and_community_do_not_see_the_stoplight(client_for, community_member, follow_up):
    client = client_for(community_member)
    assert client.get(reverse("rounding:school", args=[follow_up.school_id])).status_code == 404
    assert client.get(reverse("rounding:follow_up", args=[follow_up.pk])).status_code == 404


def test_teacher_cannot_change_the_stoplight(client_for, teacher, follow_up):
    response = client_for(teacher).post(
        reverse("rounding:follow_up", args=[follow_up.pk]), {"status": "green"}
    )
    assert response.status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.status == "new"


def test_staff_see_shared_celebrations_only(
    client_for, teacher, celebration, school, superintendent
):
    from rounding import services

    services.celebration_record(
        school=school, by=superintendent, name="Quiet one", what="Private thanks", shared=False
    )
    response = client_for(teacher).get(reverse("rounding:school_celebrations", args=[school.pk]))
    assert "Forty new recipes" in response.text
    assert "Private thanks" not in response.text


def test_principal_sees_unshared_celebrations_of_their_school(principal, school, superintendent):
    from rounding import services

    hidden = services.celebration_record(
        school=school, by=superintendent, name="Q", what="w", shared=False
    )
    assert hidden in Celebration.objects.visible_to(principal)


def test_leader_only_pages_are_404_for_everyone_else(
    client_for, principal, teacher, community_member, school
):
    for person in (principal, teacher, community_member):
        client = client_for(person)
        for url in [
            reverse("rounding:briefing", args=[school.pk]),
            reverse("rounding:coverage"),
            reverse("rounding:visit_start"),
        ]:
            assert client.get(url).status_code == 404, (person.role, url)


def test_teacher_cannot_read_themes_and_principal_cannot_read_the_conversations_behind(
    client_for, teacher, principal, conversation, theme
):
    assert client_for(teacher).get(reverse("rounding:themes")).status_code == 404
    month = conversation.visit.date.strftime("%Y-%m")
    response = client_for(principal).get(
        reverse("rounding:themes"), {"theme": theme.pk, "month": month}
    )
    assert response.status_code == 200
    assert "Rosa" not in response.text
    assert "does not seal" not in response.text


def test_another_districts_ids_are_404(
    client_for, outsider, conversation, follow_up, celebration, school
):
    client = client_for(outsider)
    visit_id = conversation.visit_id
    for url in [
        reverse("rounding:visit", args=[visit_id]),
        reverse("rounding:roster_search", args=[visit_id]),
        reverse("rounding:follow_up", args=[follow_up.pk]),
        reverse("rounding:follow_up_edit", args=[follow_up.pk]),
        reverse("rounding:school", args=[school.pk]),
        reverse("rounding:briefing", args=[school.pk]),
        reverse("rounding:school_celebrations", args=[school.pk]),
        reverse("rounding:conversation_follow_up", args=[conversation.pk]),
        reverse("rounding:person", args=[conversation.person_id]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("rounding:conversation_add", args=[visit_id]),
        reverse("rounding:conversation_follow_up", args=[conversation.pk]),
        reverse("rounding:celebration_acknowledge", args=[celebration.pk]),
        reverse("rounding:follow_up", args=[follow_up.pk]),
    ]:
        assert (
            client.post(
                url, {"status": "green", "name": "x", "working": "y", "role_group": "cook"}
            ).status_code
            == 404
        ), url
    follow_up.refresh_from_db()
    celebration.refresh_from_db()
    assert follow_up.status == "new" and celebration.acknowledged_on is None


def test_lists_never_show_another_districts_rows(
    client_for,
    superintendent,
    visit,
    other_visit,
    other_celebration,
    other_follow_up,
    other_conversation,
):
    client = client_for(superintendent)
    assert "Lighthouse" not in client.get(reverse("rounding:visits")).text
    assert "Harbor win" not in client.get(reverse("rounding:celebrations")).text
    assert "Lighthouse" not in client.get(reverse("rounding:coverage")).text
    assert "Harbor" not in client.get(reverse("home")).text


def test_start_visit_refuses_another_districts_school(client_for, superintendent, other_school):
    response = client_for(superintendent).post(
        reverse("rounding:visit_start"), {"school": other_school.pk, "date": "2026-10-01"}
    )
    assert response.status_code == 200
    assert not RoundingVisit.objects.exists()


def test_conversation_refuses_another_districts_person(client_for, superintendent, visit, outsider):
    response = client_for(superintendent).post(
        reverse("rounding:conversation_add", args=[visit.pk]),
        {"person": outsider.pk, "working": "hello"},
    )
    assert response.status_code == 200
    assert not Conversation.objects.exists()


def test_roster_search_only_offers_the_schools_people(
    client_for, superintendent, visit, cook, outsider
):
    response = client_for(superintendent).get(
        reverse("rounding:roster_search", args=[visit.pk]), {"person_q": "o"}
    )
    assert "Rosa Ibarra" in response.text
    assert "Olga" not in response.text


def test_signed_out_visitor_is_sent_to_sign_in(client, visit, follow_up):
    for url in [
        reverse("rounding:visits"),
        reverse("rounding:visit", args=[visit.pk]),
        reverse("rounding:follow_up", args=[follow_up.pk]),
        reverse("rounding:celebrations"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_community_sees_shared_celebrations_only_and_no_follow_ups(
    community_member, celebration, school, superintendent, follow_up, client_for
):
    from rounding import services

    hidden = services.celebration_record(
        school=school, by=superintendent, name="Q", what="Quiet thanks", shared=False
    )
    visible = Celebration.objects.visible_to(community_member)
    assert celebration in visible and hidden not in visible
    assert not FollowUp.objects.visible_to(community_member).exists()
    home = client_for(community_member).get(reverse("home"))
    assert 'href="/rounding/celebrations/"' in home.text


def test_outsider_querysets_are_empty(outsider, conversation, follow_up, celebration):
    for model in (RoundingVisit, Conversation, FollowUp, Celebration):
        assert not model.objects.visible_to(outsider).exists(), model
