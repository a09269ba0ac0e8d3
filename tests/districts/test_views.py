import datetime
import re

import pytest
from django.urls import reverse

from districts import services
from districts.models import CodeOfCooperation, GuidingPrinciple, School, SharedPurpose, User

pytestmark = pytest.mark.django_db

PERSONAS = ["superintendent", "principal", "teacher", "community_member"]


@pytest.fixture
def principle(district, superintendent):
    return services.principle_create(
        district=district,
        title="Students first",
        by=superintendent,
        text="We ask about students first.",
        adopted_on=datetime.date(2026, 1, 10),
    )


@pytest.fixture
def other_principle(other_district, outsider):
    return services.principle_create(
        district=other_district,
        title="Harbor way",
        by=outsider,
        text="t",
        adopted_on=datetime.date(2026, 1, 1),
    )


@pytest.fixture
def pages(school, team, principle, teacher):
    return [
        reverse("home"),
        reverse("districts:schools"),
        reverse("districts:school", args=[school.pk]),
        reverse("districts:people"),
        reverse("districts:person", args=[teacher.pk]),
        reverse("districts:teams"),
        reverse("districts:team", args=[team.pk]),
        reverse("districts:purpose"),
        reverse("districts:school_purpose", args=[school.pk]),
        reverse("districts:principle", args=[principle.pk]),
        reverse("districts:codes"),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_opens_for_every_role(request, persona, pages, client_for):
    client = client_for(request.getfixturevalue(persona))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        # The tab's title is plain text: a block merged into it shows as markup in the tab.
        title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
        assert "<" not in title and "{%" not in title, url


def test_signed_out_visitor_is_sent_to_sign_in(client, pages):
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_another_districts_rows_are_404(
    client_for, outsider, school, team, principle, teacher, code, other_school
):
    client = client_for(outsider)
    for url in [
        reverse("districts:school", args=[school.pk]),
        reverse("districts:person", args=[teacher.pk]),
        reverse("districts:team", args=[team.pk]),
        reverse("districts:principle", args=[principle.pk]),
        reverse("districts:school_purpose", args=[school.pk]),
        reverse("districts:school_purpose_revise", args=[school.pk]),
        reverse("districts:code", args=[code.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("districts:principle", args=[principle.pk]), {"text": "x"}).status_code
        == 404
    )


def test_lists_never_show_another_districts_rows(
    client_for, outsider, school, team, teacher, other_school
):
    client = client_for(outsider)
    for url in [
        reverse("districts:schools"),
        reverse("districts:people"),
        reverse("districts:teams"),
    ]:
        body = client.get(url).content.decode()
        assert school.name not in body
        assert teacher.name not in body
        assert team.name not in body


def test_home_shows_the_district_and_its_purpose(client_for, superintendent, district):
    services.purpose_revise(
        district=district,
        school=None,
        by=superintendent,
        text="Every child known.",
        adopted_on=datetime.date(2026, 1, 1),
    )
    response = client_for(superintendent).get(reverse("home"))
    assert response.context["district"] == district
    assert "Every child known." in response.content.decode()


def test_people_search_finds_by_name_and_title(
    make_person_in, client_for, superintendent, district, school
):
    cook = make_person_in(district, "staff", "Rosa Ibarra", None, [school], title="cook")
    response = client_for(superintendent).get(reverse("districts:people"), {"q": "cook"})
    assert list(response.context["page"]) == [cook]
    response = client_for(superintendent).get(reverse("districts:people"), {"q": "ibarra"})
    assert list(response.context["page"]) == [cook]


def test_people_filter_by_role_and_school(
    make_person_in, client_for, superintendent, teacher, principal, school, district
):
    elsewhere = School.objects.create(district=district, name="Birchwood")
    make_person_in(district, "teacher", "Far Teacher", None, [elsewhere])
    response = client_for(superintendent).get(
        reverse("districts:people"), {"role": "teacher", "school": school.pk}
    )
    assert list(response.context["page"]) == [teacher]


def test_people_search_with_htmx_returns_only_the_results(client_for, superintendent, teacher):
    response = client_for(superintendent).get(
        reverse("districts:people"), {"q": "Charlie"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">')
    assert teacher.name in body
    assert "<html" not in body


def test_people_directory_hides_students_and_emails_from_community(
    client_for, community_member, student, teacher
):
    response = client_for(community_member).get(reverse("districts:people"))
    body = response.content.decode()
    assert student.name not in body
    assert teacher.name in body
    assert teacher.email not in body


def test_community_member_cannot_open_a_students_page(client_for, community_member, student):
    assert (
        client_for(community_member).get(reverse("districts:person", args=[student.pk])).status_code
        == 404
    )


def test_bad_people_filter_is_ignored_not_an_error(client_for, superintendent):
    response = client_for(superintendent).get(
        reverse("districts:people"), {"school": "not-a-number", "page": "x"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_people_list_query_count_does_not_grow(
    make_person_in,
    rows,
    client_for,
    superintendent,
    district,
    school,
    django_assert_max_num_queries,
):
    for i in range(rows):
        make_person_in(district, "teacher", f"Teacher {i}", None, [school])
    client = client_for(superintendent)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("districts:people")).status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_school_and_team_lists_query_count_does_not_grow(
    rows, client_for, superintendent, district, django_assert_max_num_queries
):
    for i in range(rows):
        School.objects.create(district=district, name=f"School {i}")
        services.principle_create(
            district=district,
            title=f"P{i}",
            by=superintendent,
            text="t",
            adopted_on=datetime.date(2026, 1, 1),
        )
    client = client_for(superintendent)
    with django_assert_max_num_queries(7):
        client.get(reverse("districts:schools"))
    with django_assert_max_num_queries(7):
        client.get(reverse("districts:teams"))
    with django_assert_max_num_queries(10):
        client.get(reverse("districts:purpose"))
    with django_assert_max_num_queries(16):
        client.get(reverse("home"))


def test_lists_paginate(make_person_in, client_for, superintendent, district, school):
    for i in range(60):
        make_person_in(district, "student", f"Student {i:02}", None, [school])
    client = client_for(superintendent)
    first = client.get(reverse("districts:people"))
    assert len(first.context["page"]) == 50
    second = client.get(reverse("districts:people"), {"page": 2})
    assert len(second.context["page"]) == 11  # 60 students and the superintendent


def test_superintendent_adopts_a_new_purpose_wording(client_for, superintendent, district, teacher):
    response = client_for(superintendent).post(
        reverse("districts:purpose_revise"),
        {
            "text": "Learning for every child.",
            "adopted_on": "2026-11-01",
            "participants": [teacher.pk],
            "participants_note": "Spring family evening",
        },
    )
    assert response.status_code == 302
    revision = SharedPurpose.objects.get(district=district, school=None).current_revision()
    assert revision.text == "Learning for every child."
    assert list(revision.participants.all()) == [teacher]
    assert revision.recorded_by == superintendent


def test_revision_form_keeps_text_on_error(client_for, superintendent):
    response = client_for(superintendent).post(
        reverse("districts:purpose_revise"),
        {"text": "My careful wording", "adopted_on": "2026-11-01", "review_on": "2026-10-01"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "My careful wording" in body
    assert "“Due for review on” date must come after the “Adopted on” date" in body


def test_revision_form_rejects_a_bad_date_with_a_message(client_for, superintendent):
    response = client_for(superintendent).post(
        reverse("districts:purpose_revise"), {"text": "Kept", "adopted_on": "31/31/2026"}
    )
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
    assert "Kept" in response.content.decode()


def test_teacher_cannot_revise_the_district_purpose(client_for, teacher, district):
    client = client_for(teacher)
    assert client.get(reverse("districts:purpose_revise")).status_code == 403
    response = client.post(
        reverse("districts:purpose_revise"), {"text": "Mine", "adopted_on": "2026-11-01"}
    )
    assert response.status_code == 403
    assert not SharedPurpose.objects.filter(district=district).exists()


def test_principal_writes_their_schools_variation_but_not_another_schools(
    client_for, principal, school, district
):
    client = client_for(principal)
    response = client.post(
        reverse("districts:school_purpose_revise", args=[school.pk]),
        {"text": "Ours", "adopted_on": "2026-11-01"},
    )
    assert response.status_code == 302
    assert SharedPurpose.objects.get(school=school).current_revision().text == "Ours"
    other = School.objects.create(district=district, name="Birchwood")
    assert (
        client.get(reverse("districts:school_purpose_revise", args=[other.pk])).status_code == 403
    )


def test_school_page_shows_the_schools_variation_of_a_principle(
    client_for, principal, principle, school, district
):
    services.principle_create(
        district=district,
        school=school,
        varies=principle,
        title="Students first, here",
        by=principal,
        text="Here we ask the students.",
        adopted_on=datetime.date(2026, 2, 1),
    )
    response = client_for(principal).get(reverse("districts:school_purpose", args=[school.pk]))
    assert [p.title for p in response.context["principles"]] == ["Students first, here"]
    response = client_for(principal).get(reverse("districts:purpose"))
    assert [p.title for p in response.context["principles"]] == ["Students first"]


def test_principal_adds_a_principle_for_their_school(client_for, principal, school, principle):
    response = client_for(principal).post(
        reverse("districts:principle_create"),
        {
            "title": "Recess is sacred",
            "school": school.pk,
            "text": "We protect play.",
            "adopted_on": "2026-11-01",
        },
    )
    assert response.status_code == 302
    assert GuidingPrinciple.objects.get(title="Recess is sacred").school == school


def test_principal_cannot_add_a_district_wide_principle(client_for, principal):
    response = client_for(principal).post(
        reverse("districts:principle_create"),
        {"title": "Mine", "text": "t", "adopted_on": "2026-11-01"},
    )
    assert response.status_code == 200
    assert "own school" in response.content.decode()
    assert not GuidingPrinciple.objects.filter(title="Mine").exists()


def test_teacher_cannot_add_or_revise_a_principle(client_for, teacher, principle):
    client = client_for(teacher)
    assert client.get(reverse("districts:principle_create")).status_code == 403
    response = client.post(
        reverse("districts:principle", args=[principle.pk]),
        {"text": "x", "adopted_on": "2026-11-01"},
    )
    assert response.status_code == 403
    assert principle.revisions.count() == 1


def test_superintendent_revises_a_principle_and_history_is_kept(
    client_for, superintendent, principle
):
    client_for(superintendent).post(
        reverse("districts:principle", args=[principle.pk]),
        {"text": "Students, always.", "adopted_on": "2026-11-01"},
    )
    assert [r.text for r in principle.revisions.all()] == [
        "Students, always.",
        "We ask about students first.",
    ]


def test_teacher_writes_a_code_of_cooperation(client_for, teacher, school):
    response = client_for(teacher).post(
        reverse("districts:code_create"),
        {
            "class_name": "Grade 5",
            "school": school.pk,
            "text": "We listen.",
            "adopted_on": "2026-09-01",
        },
    )
    code = CodeOfCooperation.objects.get(teacher=teacher)
    assert response.status_code == 302
    assert code.current_revision().text == "We listen."


def test_teacher_cannot_write_a_code_for_a_school_they_do_not_teach_at(
    client_for, teacher, district
):
    elsewhere = School.objects.create(district=district, name="Birchwood")
    response = client_for(teacher).post(
        reverse("districts:code_create"),
        {
            "class_name": "Grade 5",
            "school": elsewhere.pk,
            "text": "We listen.",
            "adopted_on": "2026-09-01",
        },
    )
    assert response.status_code == 200
    assert "We listen." in response.content.decode()
    assert not CodeOfCooperation.objects.exists()


def test_teacher_revisits_their_code_and_keeps_the_history(client_for, teacher, code):
    client_for(teacher).post(
        reverse("districts:code", args=[code.pk]),
        {"text": "We vote on jobs.", "adopted_on": "2026-11-01"},
    )
    assert [r.text for r in code.revisions.all()] == ["We vote on jobs.", "We listen to finish."]


def test_another_teacher_cannot_open_or_change_a_code(
    make_person_in, client_for, code, district, school
):
    other = make_person_in(district, "teacher", "Other Teacher", "other@cedar.example", [school])
    client = client_for(other)
    assert client.get(reverse("districts:code", args=[code.pk])).status_code == 404
    assert (
        client.post(
            reverse("districts:code", args=[code.pk]), {"text": "x", "adopted_on": "2026-11-01"}
        ).status_code
        == 404
    )
    assert code.revisions.count() == 1


def test_principal_reads_but_cannot_change_a_teachers_code(client_for, principal, code):
    client = client_for(principal)
    response = client.get(reverse("districts:code", args=[code.pk]))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert (
        client.post(
            reverse("districts:code", args=[code.pk]), {"text": "x", "adopted_on": "2026-11-01"}
        ).status_code
        == 404
    )


def test_community_member_cannot_write_a_code(client_for, community_member):
    assert client_for(community_member).get(reverse("districts:code_create")).status_code == 403


def test_team_page_warns_when_a_team_has_one_member(client_for, superintendent, district):
    from districts.models import LeadershipTeam, TeamMembership

    team = LeadershipTeam.objects.create(district=district, name="Solo")
    TeamMembership.objects.create(team=team, user=superintendent)
    body = (
        client_for(superintendent).get(reverse("districts:team", args=[team.pk])).content.decode()
    )
    assert "at least two members" in body


def test_user_without_a_district_sees_an_explanation(client):
    admin = User.objects.create_superuser("it@cedar.example", "pw-long-enough")
    client.force_login(admin)
    response = client.get(reverse("home"))
    assert "not part of a district" in response.content.decode()
    assert client.get(reverse("districts:schools")).context["page"].paginator.count == 0


def test_long_school_select_keeps_the_choice_and_escapes_names(
    client_for, superintendent, district, school
):
    School.objects.create(district=district, name="<Birch & Oak>")
    response = client_for(superintendent).get(reverse("districts:people"), {"school": school.pk})
    body = response.content.decode()
    assert f'<option value="{school.pk}" selected>{school.name}</option>' in body
    assert "&lt;Birch &amp; Oak&gt;" in body
    assert '<select name="school" id="id_school">' in body
