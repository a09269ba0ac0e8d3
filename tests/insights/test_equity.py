"""Participation equity: named input, people met, consulted people who responded; counts only."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import services as decision_services
from decisions.models import Involvement, Stakeholder, Turnout
from tests.insights.conftest import TODAY, TRENDS
from tests.insights.test_themes import without_csrf

pytestmark = TRENDS
URL = reverse("insights:participation")
OCT = datetime.date(2026, 10, 6)


def table(client, export, **params):
    response = client.get(URL, {"export": export, **params})
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def row_for(rows, label):
    return next((row for row in rows if row[0] == label), None)


def column(rows, name):
    return rows[0].index(name)


@pytest.fixture
def alder_teachers(schools, teacher, people):
    """Charlie and four more teachers at Alder Creek: five."""
    return [teacher, *people(schools[0], 4)]


@pytest.fixture
def consulting(decision_at, superintendent, schools):
    """A decision open for input that consults Alder Creek's teachers."""

    def make(process_type="consent", **fields):
        now = timezone.now()
        decision = decision_at(
            schools[0],
            process_type=process_type,
            **fields,
            input_opens=now - datetime.timedelta(days=1),
            input_closes=now + datetime.timedelta(days=5),
            stakeholders=[
                {
                    "kind": Stakeholder.Kind.ROLE,
                    "role": "teacher",
                    "school": schools[0],
                    "involvement": Involvement.CONSULTED,
                }
            ],
        )
        decision_services.decision_open_input(decision=decision, by=superintendent)
        return decision

    return make


def test_named_input_is_counted_of_everyone_in_the_group(
    client_for, superintendent, schools, alder_teachers, people, consulting, give_input
):
    decision = consulting()
    for author in alder_teachers[:2]:
        give_input(decision, author, TODAY, [])
    give_input(decision, alder_teachers[2], TODAY, [], anonymous=True)
    birch = people(schools[1], 3)
    for author in birch:
        give_input(decision, author, TODAY, [])
    rows = table(client_for(superintendent), "input")
    alder = row_for(rows, "Alder Creek Elementary")
    assert alder[column(rows, "Teacher: yes")] == "2"
    assert alder[column(rows, "Teacher: of")] == "5"
    # Alder Creek's one principal and one student are groups too small to show.
    assert alder[column(rows, "Principal: of")] == ""
    assert alder[column(rows, "Student: of")] == ""
    assert alder[-2:] == ["2", "5"]  # totals of the shown cells only
    # Birch Hill's three teachers: not shown, and the row is left out.
    assert row_for(rows, "Birch Hill Elementary") is None


def test_a_group_of_four_is_shown_and_of_three_is_not(client_for, superintendent, schools, people):
    people(schools[1], 4)
    people(schools[2], 3)
    rows = table(client_for(superintendent), "input")
    assert row_for(rows, "Birch Hill Elementary")[column(rows, "Teacher: of")] == "4"
    assert row_for(rows, "Cedar Ridge Middle") is None


def test_people_met_on_rounding_by_role_group(
    client_for, superintendent, schools, people, converse
):
    for person in people(schools[0], 4):
        converse(schools[0], OCT, [], person=person)
    for name in ("Sam", "Ana", "Lee"):
        converse(schools[0], OCT, [], name=name, role_group="cook")
    rows = table(client_for(superintendent), "met")
    alder = row_for(rows, "Alder Creek Elementary")
    assert alder[column(rows, "Teacher")] == "4"
    assert alder[column(rows, "Cook")] == ""
    assert alder[-1] == "4"


def test_consulted_people_who_responded(
    client_for, superintendent, schools, alder_teachers, consulting, give_input
):
    decision = consulting()
    give_input(decision, alder_teachers[0], TODAY, [])
    give_input(decision, alder_teachers[1], TODAY, [], anonymous=True)
    rows = table(client_for(superintendent), "consulted")
    alder = row_for(rows, "Alder Creek Elementary")
    # The anonymous writer is not among those who responded.
    assert alder[column(rows, "Teacher: yes")] == "1"
    assert alder[column(rows, "Teacher: of")] == "5"


def test_a_vote_cast_is_a_response(
    client_for, superintendent, district, schools, alder_teachers, consulting
):
    decision = consulting(process_type="vote", options="Yes\nNo")
    for person in alder_teachers[:3]:
        Turnout.objects.create(district=district, decision=decision, person=person)
    rows = table(client_for(superintendent), "consulted")
    assert row_for(rows, "Alder Creek Elementary")[column(rows, "Teacher: yes")] == "3"


@pytest.mark.parametrize("export", ["", "input", "consulted"])
def test_who_wrote_anonymous_input_changes_nothing(
    export, client_for, superintendent, alder_teachers, consulting, give_input
):
    pages = []
    for anonymous_author in alder_teachers[3:5]:
        decision = consulting()
        give_input(decision, alder_teachers[0], TODAY, [])
        item = give_input(decision, anonymous_author, TODAY, [], anonymous=True)
        pages.append(without_csrf(client_for(superintendent).get(URL, {"export": export}).content))
        item.decision.delete()
    assert pages[0] == pages[1]


@pytest.mark.parametrize("query", [{"months": "x"}, {"months": "-3"}, {"export": "x"}])
def test_bad_filters_never_fail(query, client_for, superintendent, school):
    response = client_for(superintendent).get(URL, query)
    assert response.status_code == 200
    assert "Who is heard" in response.content.decode()


@pytest.mark.parametrize("persona", ["principal", "teacher", "community_member"])
def test_only_district_leaders_open_the_page(persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"export": "input"}).status_code == 404


def test_another_district_sees_none_of_these_people(client_for, outsider, schools, alder_teachers):
    rows = table(client_for(outsider), "input")
    assert row_for(rows, "Alder Creek Elementary") is None


def test_a_large_district_sees_the_rows_where_the_fewest_are_heard_and_the_csv_has_all(
    client_for, superintendent, district, people, consulting, give_input, schools
):
    from districts.models import School

    many = [School.objects.create(district=district, name=f"School {i:02d}") for i in range(30)]
    for school in many:
        people(school, 4)
    decision = consulting()
    quiet_first = many[7]
    heard = people(many[3], 4)  # School 03 becomes the only one with everyone heard
    for author in heard:
        give_input(decision, author, TODAY, [])
    client = client_for(superintendent)
    body = client.get(URL).content.decode()
    section = body.split('id="input-heading"')[1].split("</section>")[0]
    assert section.count('<th scope="row">') == 25
    assert "The 25 rows where the fewest are heard, of 30" in section
    assert quiet_first.name in section and many[3].name not in section
    assert len(table(client, "input")) - 1 >= 30
