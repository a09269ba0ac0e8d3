"""Coverage, briefing and themes figures on small known datasets, and query budgets."""

import datetime

import pytest
from django.urls import reverse

from districts.models import School, Theme
from rounding import selectors, services
from rounding.models import Conversation

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def visit_on(school, by, date, *talks):
    visit = services.visit_start(school=school, by=by, date=date)
    for person, name, group, themes in talks:
        services.conversation_add(
            visit=visit, person=person, name=name, role_group=group, working="ok", themes=themes
        )
    return visit


def test_coverage_figures_on_a_known_dataset(
    district, school, superintendent, cook, student, make_person_in
):
    quiet = School.objects.create(district=district, name="Birchwood Elementary")
    visit_on(school, superintendent, datetime.date(2026, 11, 10), (cook, "", "", ()))
    visit_on(
        school,
        superintendent,
        datetime.date(2026, 9, 1),
        (None, "Ana", "student", ()),
        (None, "Joe", "custodian", ()),
        (cook, "", "", ()),
    )
    visit_on(school, superintendent, datetime.date(2026, 7, 1), (student, "", "", ()))
    result = selectors.coverage(superintendent, today=TODAY)
    by_school = {row["school"].name: row for row in result["rows"]}
    alder, birch = by_school["Alder Creek Elementary"], by_school["Birchwood Elementary"]
    groups = dict(zip([g for g, _ in result["groups"]], alder["groups"], strict=True))
    assert alder["days"] == 10 and not alder["overdue"]
    assert groups["cook"] == 10
    assert groups["custodian"] == (TODAY - datetime.date(2026, 9, 1)).days
    assert groups["student"] == (TODAY - datetime.date(2026, 9, 1)).days
    assert groups["teacher"] is None
    # This term started 1 August: Rosa (twice, counted once), Ana and Joe; not July's student.
    assert alder["met"] == 3
    assert birch["days"] is None and birch["overdue"] and birch["met"] == 0
    assert result["term_start"] == datetime.date(2026, 8, 1)
    # 42-day windows: 1 visit since 9 Oct, 1 in the 42 days before (1 Sep): not dropping.
    assert (result["recent"], result["before"], result["dropping"]) == (1, 1, False)
    assert quiet


def test_home_counts_schools_past_target_and_recognitions_waiting(
    district, school, superintendent, cook, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC))
    School.objects.create(district=district, name="Never visited")
    late = School.objects.create(district=district, name="Late")
    visit_on(school, superintendent, datetime.date(2026, 11, 1), (cook, "", "", []))
    visit_on(late, superintendent, datetime.date(2026, 9, 1), (None, "Pat", "staff", []))
    services.celebration_record(school=school, by=superintendent, person=cook, what="new")
    time_machine.move_to(datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC))
    services.celebration_record(school=school, by=superintendent, person=cook, what="fresh")
    summary = selectors.home_summary(superintendent)
    assert summary["overdue_schools"] == 2
    assert summary["awaiting_acknowledgement"] == 1


def test_coverage_warns_when_visits_drop_off(district, school, superintendent):
    talk = (None, "Pat", "staff", [])
    for day in (datetime.date(2026, 9, 1), datetime.date(2026, 9, 20)):
        visit_on(school, superintendent, day, talk)
    visit_on(school, superintendent, datetime.date(2026, 11, 1), talk)
    # Started but nobody met: not a visit for the pace either.
    visit_on(school, superintendent, datetime.date(2026, 11, 2))
    result = selectors.coverage(superintendent, today=TODAY)
    assert (result["recent"], result["before"], result["dropping"]) == (1, 2, True)


def test_coverage_page_shows_the_warning(client_for, superintendent, school, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC))
    visit_on(school, superintendent, datetime.date(2026, 9, 20), (None, "Pat", "staff", []))
    response = client_for(superintendent).get(reverse("rounding:coverage"))
    assert "Visits are dropping off" in response.text


def test_briefing_contents(
    district, school, superintendent, cook, principal, make_person_in, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC))
    old_hand = make_person_in(district, "teacher", "Olive Old", None, [school])
    old_hand.date_joined = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    old_hand.save()
    new_teacher = make_person_in(
        district, "teacher", "Nia New", None, [school], title="new teacher"
    )
    met_new = make_person_in(district, "teacher", "Mo Met", None, [school], title="new teacher")
    first = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 9, 1))
    services.conversation_add(visit=first, person=cook, concerns="Old concern")
    services.conversation_add(visit=first, person=met_new, working="Mentor helps")
    second = services.visit_start(school=school, by=superintendent, date=datetime.date(2026, 11, 6))
    services.conversation_add(visit=second, person=cook, concerns="Latest concern")
    follow_up = services.follow_up_create(
        school=school, by=superintendent, what="Fix", owner=principal, due_on=TODAY
    )
    done = services.follow_up_create(
        school=school, by=superintendent, what="Done", owner=principal, due_on=TODAY
    )
    done.change_status(to="green", by=principal)
    celebration = services.celebration_record(
        school=school, by=superintendent, person=cook, what="Recipes"
    )
    result = selectors.briefing(superintendent, school)
    people = {c.display_name: c for c in result["people_met"]}
    assert set(people) == {"Rosa Ibarra", "Mo Met"}
    assert people["Rosa Ibarra"].concerns == "Latest concern"
    assert list(result["follow_ups"]) == [follow_up]
    assert list(result["celebrations"]) == [celebration]
    new_staff = list(result["new_staff"])
    assert new_teacher in new_staff and met_new not in new_staff and old_hand not in new_staff
    assert principal in new_staff  # joined today, never met
    assert result["days_since"] == 14


def test_briefing_page_shows_names_and_what_they_said(client_for, superintendent, conversation):
    response = client_for(superintendent).get(
        reverse("rounding:briefing", args=[conversation.visit.school_id])
    )
    assert "Rosa Ibarra" in response.text
    assert "The walk-in freezer door does not seal." in response.text


def test_theme_counts_per_month(
    district, school, superintendent, other_district, other_school, outsider
):
    workload = Theme.objects.create(district=district, name="Workload")
    food = Theme.objects.create(district=district, name="Food")
    visit_on(
        school,
        superintendent,
        datetime.date(2026, 10, 3),
        (None, "A", "cook", (workload, food)),
        (None, "B", "cook", (workload,)),
    )
    visit_on(school, superintendent, datetime.date(2026, 11, 3), (None, "C", "cook", (workload,)))
    visit_on(school, superintendent, datetime.date(2025, 1, 3), (None, "Old", "cook", (workload,)))
    harbor = Theme.objects.create(district=other_district, name="Harbor")
    visit_on(other_school, outsider, datetime.date(2026, 10, 3), (None, "H", "cook", (harbor,)))
    result = selectors.theme_counts(district_id=district.pk, today=TODAY)
    assert result["months"][0] == datetime.date(2026, 11, 1)
    assert result["months"][-1] == datetime.date(2026, 6, 1) and len(result["months"]) == 6
    rows = {row["theme"].name: dict(row["counts"]) for row in result["rows"]}
    assert set(rows) == {"Food", "Workload"}
    assert rows["Workload"][datetime.date(2026, 10, 1)] == 2
    assert rows["Workload"][datetime.date(2026, 11, 1)] == 1
    assert rows["Food"][datetime.date(2026, 10, 1)] == 1
    assert sum(rows["Food"].values()) == 1


def test_theme_counts_for_a_principal_cover_their_school_only(
    district, school, superintendent, principal
):
    workload = Theme.objects.create(district=district, name="Workload")
    elsewhere = School.objects.create(district=district, name="Birchwood")
    visit_on(school, superintendent, TODAY, (None, "A", "cook", (workload,)))
    visit_on(elsewhere, superintendent, TODAY, (None, "B", "cook", (workload,)))
    result = selectors.theme_counts(district_id=district.pk, school_ids=[school.pk], today=TODAY)
    assert result["rows"][0]["total"] == 1


def test_leader_reads_the_conversations_behind_a_count(
    client_for, superintendent, conversation, theme
):
    month = conversation.visit.date.strftime("%Y-%m")
    client = client_for(superintendent)
    response = client.get(reverse("rounding:themes"), {"theme": theme.pk, "month": month})
    assert "Rosa Ibarra" in response.text
    # A month that does not exist shows the counts; an id that cannot be one answers 400.
    bad_month = {"theme": theme.pk, "month": "2026-13"}
    assert client.get(reverse("rounding:themes"), bad_month).status_code == 200
    assert client.get(reverse("rounding:themes"), {"theme": "x"}).status_code == 400


# Query budgets: the count must not grow with the rows.


def build(n, district, school, superintendent, principal, make_person_in):
    theme = Theme.objects.create(district=district, name=f"Theme {n}")
    for i in range(n):
        other = School.objects.create(district=district, name=f"School {i}")
        visit = services.visit_start(
            school=school if i % 2 else other, by=superintendent, date=TODAY
        )
        person = make_person_in(district, "staff", f"Person {i}", None, [school], title="cook")
        conversation = services.conversation_add(
            visit=visit, person=person, concerns="c", themes=[theme]
        )
        follow_up = services.follow_up_create(
            school=visit.school,
            by=superintendent,
            conversation=conversation,
            what=f"F{i}",
            owner=principal,
            due_on=TODAY,
        )
        if i % 3 == 0:
            follow_up.change_status(to="red", by=principal, reason="r")
        services.celebration_record(school=school, by=superintendent, person=person, what="w")
    assert Conversation.objects.count() == n


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize(
    ("url_name", "needs_school", "budget"),
    [
        ("rounding:visits", False, 9),
        ("rounding:school", True, 9),
        ("rounding:coverage", False, 9),
        ("rounding:themes", False, 7),
        ("rounding:celebrations", False, 7),
        ("rounding:briefing", True, 12),
    ],
)
def test_query_budget(
    rows,
    url_name,
    needs_school,
    budget,
    client_for,
    district,
    school,
    superintendent,
    principal,
    make_person_in,
    django_assert_max_num_queries,
):
    build(rows, district, school, superintendent, principal, make_person_in)
    client = client_for(principal if url_name == "rounding:celebrations" else superintendent)
    url = reverse(url_name, args=[school.pk] if needs_school else [])
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_visit_page_and_home_budget(
    rows,
    client_for,
    district,
    school,
    superintendent,
    principal,
    make_person_in,
    django_assert_max_num_queries,
):
    build(rows, district, school, superintendent, principal, make_person_in)
    visit = services.visit_start(school=school, by=superintendent, date=TODAY)
    for conversation in Conversation.objects.all():
        conversation.visit = visit
        conversation.save()
    client = client_for(superintendent)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("rounding:visit", args=[visit.pk])).status_code == 200
    client = client_for(principal)  # signing in is not part of the page's budget
    with django_assert_max_num_queries(12):
        assert client.get(reverse("home")).status_code == 200


def test_coverage_shows_fifty_schools_a_page(superintendent, district):
    for i in range(55):
        School.objects.create(district=district, name=f"School {i:02}")
    first = selectors.coverage(superintendent, today=TODAY)
    second = selectors.coverage(superintendent, today=TODAY, page_number=2)
    assert len(first["rows"]) == 50
    assert len(second["rows"]) == School.objects.filter(district=district).count() - 50
    assert {r["school"].pk for r in first["rows"]}.isdisjoint(
        {r["school"].pk for r in second["rows"]}
    )
