import datetime

import pytest
import time_machine
from django.urls import reverse

from rounding import services
from rounding.models import Celebration, Conversation, FollowUp, RoundingVisit

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_superintendent_starts_a_visit_from_a_school(client_for, superintendent, school):
    client = client_for(superintendent)
    form = client.get(reverse("rounding:visit_start"), {"school": school.pk})
    assert form.status_code == 200
    response = client.post(
        reverse("rounding:visit_start"),
        {"school": school.pk, "date": "2026-10-05", "purpose": "Lunch"},
    )
    visit = RoundingVisit.objects.get()
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    assert list(visit.visitors.all()) == [superintendent]


def test_bad_visit_input_keeps_what_was_typed(client_for, superintendent, school):
    response = client_for(superintendent).post(
        reverse("rounding:visit_start"),
        {"school": "999999", "date": "not-a-date", "purpose": "Keep me"},
    )
    assert response.status_code == 200
    assert "Keep me" in response.text
    assert not RoundingVisit.objects.exists()


def test_htmx_conversation_save_returns_the_list_and_a_fresh_form(
    client_for, superintendent, visit, cook, theme
):
    response = client_for(superintendent).post(
        reverse("rounding:conversation_add", args=[visit.pk]),
        {"person": cook.pk, "working": "Fresh bread", "themes": [theme.pk]},
        **HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="conversations"')
    assert "Fresh bread" in response.text
    assert "data-draft-clear" in response.text
    conversation = Conversation.objects.get()
    assert conversation.role_group == "cook" and list(conversation.themes.all()) == [theme]


def test_failed_save_keeps_the_text(client_for, superintendent, visit):
    response = client_for(superintendent).post(
        reverse("rounding:conversation_add", args=[visit.pk]),
        {"concerns": "The buses are always late", "name": ""},
        **HTMX,
    )
    assert response.status_code == 200
    assert "The buses are always late" in response.text
    assert "Pick someone from the roster or write their name." in response.text
    assert "data-draft-clear" not in response.text
    assert not Conversation.objects.exists()


def test_conversation_with_nothing_heard_is_refused(client_for, superintendent, visit):
    response = client_for(superintendent).post(
        reverse("rounding:conversation_add", args=[visit.pk]),
        {"name": "Ana", "role_group": "student"},
    )
    assert response.status_code == 200
    assert "Write at least one thing you heard." in response.text


def test_bad_person_id_is_a_form_error_not_a_500(client_for, superintendent, visit):
    response = client_for(superintendent).post(
        reverse("rounding:conversation_add", args=[visit.pk]),
        {"person": "abc", "working": "kept"},
    )
    assert response.status_code == 200
    assert "kept" in response.text


def test_student_by_first_name_saves_with_a_gentle_warning(
    client_for, superintendent, visit, student
):
    response = client_for(superintendent).post(
        reverse("rounding:conversation_add", args=[visit.pk]),
        {"name": "Eli", "role_group": "student", "working": "Eli likes the library"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "student records" in response.text
    assert Conversation.objects.get().name == "Eli"


def test_note_check_warns_while_typing(client_for, superintendent, visit, student):
    client = client_for(superintendent)
    url = reverse("rounding:note_check", args=[visit.pk])
    assert "student records" in client.post(url, {"concerns": "Eli was upset"}, **HTMX).text
    assert "student records" not in client.post(url, {"concerns": "All good"}, **HTMX).text


def test_without_htmx_a_save_redirects_and_clears_the_draft(
    client_for, superintendent, visit, cook
):
    client = client_for(superintendent)
    response = client.post(
        reverse("rounding:conversation_add", args=[visit.pk]), {"person": cook.pk, "ideas": "x"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert (
        f'data-draft-clear="u{superintendent.pk}-rounding-visit-{visit.pk}-conversation"'
        in page.text
    )


def test_a_concern_is_drafted_for_a_check_and_nothing_reaches_staff_yet(
    client_for, superintendent, conversation, principal
):
    # Midday, so 5 October in the district's zone too: dates follow the district's clock.
    with time_machine.travel(datetime.datetime(2026, 10, 5, 17, tzinfo=datetime.UTC)):
        response = client_for(superintendent).get(
            reverse("rounding:conversation_follow_up", args=[conversation.pk])
        )
    assert response.status_code == 200
    assert not FollowUp.objects.exists()
    form = response.context["form"]
    assert "freezer" in form["what"].value()
    assert form["owner"].value() == superintendent.pk  # who heard it, until they hand it on
    assert str(form["due_on"].value()) == "2026-10-19"
    assert "Publish the follow-up" in response.text


def test_a_checked_follow_up_is_published_with_the_wording_owner_and_date_chosen(
    client_for, superintendent, conversation, principal
):
    with time_machine.travel(datetime.datetime(2026, 10, 5, 17, tzinfo=datetime.UTC)):
        response = client_for(superintendent).post(
            reverse("rounding:conversation_follow_up", args=[conversation.pk]),
            {
                "what": "Replace the freezer seal",
                "heard": "Kitchen equipment fails",
                "owner": principal.pk,
                "due_on": "2026-10-23",
            },
        )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#conversation-{conversation.pk}")
    follow_up = FollowUp.objects.get()
    assert (follow_up.what, follow_up.owner, follow_up.due_on, follow_up.status) == (
        "Replace the freezer seal",
        principal,
        datetime.date(2026, 10, 23),
        FollowUp.Status.NEW,
    )
    assert follow_up.conversation == conversation


def test_a_follow_up_due_before_its_visit_is_refused_on_the_check(
    client_for, superintendent, conversation, principal
):
    response = client_for(superintendent).post(
        reverse("rounding:conversation_follow_up", args=[conversation.pk]),
        {"what": "Keep me", "owner": principal.pk, "due_on": "2026-01-02"},
    )
    assert response.status_code == 200
    assert "cannot be due before the visit" in response.text
    assert "Keep me" in response.text
    assert not FollowUp.objects.exists()


def test_conversation_without_a_concern_has_no_follow_up(client_for, superintendent, visit):
    conversation = services.conversation_add(
        visit=visit, name="Ana", role_group="student", working="x"
    )
    response = client_for(superintendent).post(
        reverse("rounding:conversation_follow_up", args=[conversation.pk])
    )
    assert response.status_code == 404


def test_celebration_is_recorded_inline(client_for, superintendent, visit, cook):
    response = client_for(superintendent).post(
        reverse("rounding:celebration_add", args=[visit.pk]),
        {
            "celebration-person": cook.pk,
            "celebration-what": "Perfect inspection",
            "celebration-shared": "on",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert "Perfect inspection" in response.text
    celebration = Celebration.objects.get()
    assert celebration.shared and celebration.visit == visit and celebration.person == cook


def test_celebration_without_who_keeps_the_text(client_for, superintendent, visit):
    response = client_for(superintendent).post(
        reverse("rounding:celebration_add", args=[visit.pk]),
        {"celebration-what": "Great assembly"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Great assembly" in response.text
    assert not Celebration.objects.exists()


def test_principal_changes_the_stoplight_with_a_reason(client_for, principal, follow_up):
    client = client_for(principal)
    url = reverse("rounding:follow_up", args=[follow_up.pk])
    refused = client.post(url, {"status": "red", "reason": ""})
    assert refused.status_code == 200
    assert "Say why it cannot be done." in refused.text
    response = client.post(url, {"status": "red", "reason": "Needs a new unit"})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "red"
    page = client.get(url)
    assert "Not started → Cannot do" in page.text
    assert "Needs a new unit" in page.text


def test_owner_who_is_not_principal_may_change_their_follow_up(
    client_for, district, school, superintendent, make_person_in
):
    staff = make_person_in(district, "staff", "Sam Office", "sam@cedar.example", [school])
    follow_up = services.follow_up_create(
        school=school, by=superintendent, what="Fix", owner=staff, due_on=datetime.date(2026, 1, 1)
    )
    client_for(staff).post(reverse("rounding:follow_up", args=[follow_up.pk]), {"status": "green"})
    follow_up.refresh_from_db()
    assert follow_up.status == "green"


def test_leader_edits_the_wording_staff_read(client_for, superintendent, follow_up, principal):
    response = client_for(superintendent).post(
        reverse("rounding:follow_up_edit", args=[follow_up.pk]),
        {"what": "New seal", "heard": "Kitchen", "owner": principal.pk, "due_on": "2026-11-01"},
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.what == "New seal"


def test_principal_cannot_edit_the_wording(client_for, principal, follow_up):
    response = client_for(principal).get(reverse("rounding:follow_up_edit", args=[follow_up.pk]))
    assert response.status_code == 403


def test_recognition_older_than_72_hours_is_highlighted_and_acknowledged(
    client_for, superintendent, visit, school, cook
):
    with time_machine.travel(datetime.datetime(2026, 10, 1, 12, tzinfo=datetime.UTC)):
        old = services.celebration_record(school=school, by=superintendent, person=cook, what="Old")
    with time_machine.travel(datetime.datetime(2026, 10, 5, 12, tzinfo=datetime.UTC)):
        services.celebration_record(school=school, by=superintendent, name="New", what="Fresh")
        client = client_for(superintendent)
        page = client.get(reverse("rounding:celebrations"))
        assert page.text.count("not acknowledged after 72 hours") == 1
        response = client.post(
            reverse("rounding:celebration_acknowledge", args=[old.pk]),
            {"next": "https://evil.example/"},
        )
    assert response["Location"] == reverse("rounding:celebrations")
    old.refresh_from_db()
    assert old.acknowledged_on == datetime.date(2026, 10, 5)


def test_teacher_cannot_acknowledge(client_for, teacher, celebration):
    response = client_for(teacher).post(
        reverse("rounding:celebration_acknowledge", args=[celebration.pk])
    )
    assert response.status_code == 403


def test_visit_list_filters_and_survives_bad_input(client_for, superintendent, school, district):
    from districts.models import School

    other = School.objects.create(district=district, name="Birchwood Elementary")
    services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 9, 1))
    services.visit_start(school=other, by=superintendent, date=datetime.date(2026, 10, 1))
    client = client_for(superintendent)
    filtered = client.get(reverse("rounding:visits"), {"school": other.pk})
    assert "Birchwood Elementary</strong>" in filtered.text
    assert "Alder Creek Elementary</strong>" not in filtered.text
    dated = client.get(reverse("rounding:visits"), {"date_from": "2026-09-15"})
    assert "Alder Creek Elementary</strong>" not in dated.text
    for bad in [{"school": "x"}, {"date_from": "yesterday"}, {"page": "lots"}, {"page": "999"}]:
        assert client.get(reverse("rounding:visits"), bad).status_code == 200


def test_principal_nav_goes_to_their_school(client_for, principal, school):
    client = client_for(principal)
    home = client.get(reverse("home"))
    assert "Rounding at my school" in home.text
    response = client.get(reverse("rounding:my_school"))
    assert response["Location"] == reverse("rounding:school", args=[school.pk])
    assert client.get(reverse("rounding:visits"))["Location"] == reverse("rounding:my_school")


def test_open_follow_up_of_a_principal_is_on_their_home(client_for, principal, follow_up):
    response = client_for(principal).get(reverse("home"))
    assert "Replace the freezer door seal" in response.text


def test_closed_follow_up_leaves_the_home(client_for, principal, follow_up):
    follow_up.change_status(to="green", by=principal)
    assert "Replace the freezer door seal" not in client_for(principal).get(reverse("home")).text


@pytest.mark.parametrize("persona", ["superintendent", "principal", "teacher", "community_member"])
def test_every_page_a_role_may_use_opens(
    request, persona, client_for, follow_up, celebration, school, conversation
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("rounding:celebrations")).status_code == 200
    assert client.get(reverse("rounding:my_school")).status_code in (200, 302)


def test_saved_conversation_is_announced_next_to_the_button_with_a_fresh_form_on_top(
    client_for, superintendent, visit, cook
):
    response = client_for(superintendent).post(
        reverse("rounding:conversation_add", args=[visit.pk]),
        {"person": cook.pk, "working": "Fresh bread"},
        **HTMX,
    )
    text = response.text
    result = text.index('id="conversation-result"')
    assert text.index("Save conversation") < result < text.index("Conversation with Rosa")
    tag = text[result : text.index(">", result)]
    assert 'data-save-result="saved"' in tag and 'role="status"' in tag
    # The form comes before the list, empty and ready for the next person.
    assert text.index('id="add-heading"') < text.index('id="conversations-heading"')
    assert ">Fresh bread</textarea>" not in text


def test_refused_save_says_so_next_to_the_button(client_for, superintendent, visit):
    response = client_for(superintendent).post(
        reverse("rounding:conversation_add", args=[visit.pk]),
        {"concerns": "Late buses"},
        **HTMX,
    )
    text = response.text
    result = text[text.index('id="conversation-result"') :]
    assert 'data-save-result="error"' in text
    assert "Not saved." in result[:600]
    assert "Late buses" in text
