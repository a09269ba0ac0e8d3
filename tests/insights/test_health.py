"""Decision health by term: days to decide, consulted people heard, reflections, principles."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from decisions.models import Decision, DecisionPrinciple, Involvement, Reflection, Stakeholder
from districts.models import GuidingPrinciple
from insights.health import terms_up_to
from tests.insights.conftest import TODAY, TRENDS
from tests.insights.test_themes import without_csrf

pytestmark = TRENDS
URL = reverse("insights:health")
UTC = datetime.UTC


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(18), tzinfo=UTC)


def terms_csv(client):
    response = client.get(URL, {"export": "terms"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


@pytest.fixture
def decided(decision_at):
    """A decision created on `created` and decided on `on`."""

    def make(created, on, *, school=None, stakeholders=(), **fields):
        decision = decision_at(school, stakeholders=stakeholders, **fields)
        Decision.objects.filter(pk=decision.pk).update(
            created_at=at(created), decided_at=at(on), status="decided"
        )
        decision.refresh_from_db()
        return decision

    return make


def test_terms_start_in_august_and_january():
    assert [t.start for t in terms_up_to(TODAY)] == [
        datetime.date(2025, 1, 1),
        datetime.date(2025, 8, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 8, 1),
    ]


def test_median_days_to_decide_by_term(client_for, superintendent, decided):
    for days in (2, 4, 10):
        decided(datetime.date(2026, 9, 1), datetime.date(2026, 9, 1) + datetime.timedelta(days))
    for days in (2, 6):
        decided(datetime.date(2026, 2, 1), datetime.date(2026, 2, 1) + datetime.timedelta(days))
    terms = terms_csv(client_for(superintendent))
    assert terms["2026-08-01"]["Decisions decided"] == "3"
    assert terms["2026-08-01"]["Median days to decide"] == "4.0"
    assert terms["2026-01-01"]["Decisions decided"] == "2"
    assert terms["2026-01-01"]["Median days to decide"] == "4.0"
    assert terms["2025-08-01"]["Median days to decide"] == ""


def test_consulted_people_heard_count_named_input_only(
    client_for, superintendent, schools, teacher, people, decided, give_input
):
    teachers = [teacher, *people(schools[0], 4)]
    consulted = [
        {
            "kind": Stakeholder.Kind.ROLE,
            "role": "teacher",
            "school": schools[0],
            "involvement": Involvement.CONSULTED,
        }
    ]
    decision = decided(
        datetime.date(2026, 9, 1), datetime.date(2026, 9, 20), stakeholders=consulted
    )
    give_input(decision, teachers[0], datetime.date(2026, 9, 5), [])
    give_input(decision, teachers[1], datetime.date(2026, 9, 5), [])
    give_input(decision, teachers[2], datetime.date(2026, 9, 5), [], anonymous=True)
    # Three people consulted in the spring term: too few to show.
    small = [
        {"kind": Stakeholder.Kind.PERSON, "person": p, "involvement": Involvement.CONSULTED}
        for p in teachers[:3]
    ]
    decided(datetime.date(2026, 2, 1), datetime.date(2026, 2, 9), stakeholders=small)
    # The same three again on a second decision: six consultations, still three people.
    decided(datetime.date(2026, 2, 1), datetime.date(2026, 2, 12), stakeholders=small)
    client = client_for(superintendent)
    terms = terms_csv(client)
    assert terms["2026-08-01"]["Consulted people heard"] == "2"
    assert terms["2026-08-01"]["Consulted people"] == "5"
    assert terms["2026-01-01"]["Consulted people"] == ""
    assert "2 of 5 (40%)" in client.get(URL).content.decode()


def test_reflections_on_time(client_for, superintendent, decided):
    made, on = datetime.date(2026, 8, 3), datetime.date(2026, 8, 10)
    kept = decided(made, on, review_on=datetime.date(2026, 9, 1))
    reflection = Reflection.objects.create(
        district=kept.district, decision=kept, what_happened="Fine.", verdict="keep"
    )
    Reflection.objects.filter(pk=reflection.pk).update(created_at=at(datetime.date(2026, 9, 10)))
    late = decided(made, on, review_on=datetime.date(2026, 9, 20))
    reflection = Reflection.objects.create(
        district=late.district, decision=late, what_happened="Late.", verdict="keep"
    )
    Reflection.objects.filter(pk=reflection.pk).update(created_at=at(datetime.date(2026, 10, 30)))
    decided(made, on, review_on=datetime.date(2026, 10, 1))  # never reflected on
    decided(made, on, review_on=datetime.date(2026, 11, 10))  # still within the grace
    terms = terms_csv(client_for(superintendent))
    assert terms["2026-08-01"]["Reflections due"] == "3"
    assert terms["2026-08-01"]["Reflections on time"] == "1"


def test_principles_used_and_neglected_by_term(client_for, superintendent, district, decided):
    students = GuidingPrinciple.objects.create(
        district=district, title="Students first", position=1
    )
    GuidingPrinciple.objects.create(district=district, title="Decide close to the work", position=2)
    GuidingPrinciple.objects.create(
        district=district, title="Retired", position=3, retired_on=datetime.date(2026, 1, 1)
    )
    decision = decided(datetime.date(2026, 9, 1), datetime.date(2026, 9, 3))
    DecisionPrinciple.objects.create(decision=decision, principle=students)
    client = client_for(superintendent)
    terms = terms_csv(client)
    assert terms["2026-08-01"]["Principles used"] == "Students first"
    assert terms["2026-08-01"]["Principles neglected"] == "Decide close to the work"
    assert terms["2026-01-01"]["Principles used"] == ""
    assert terms["2026-01-01"]["Principles neglected"] == "Students first; Decide close to the work"


def test_who_wrote_anonymous_input_changes_nothing(
    client_for, superintendent, schools, teacher, people, decided, give_input
):
    teachers = [teacher, *people(schools[0], 5)]
    consulted = [
        {"kind": Stakeholder.Kind.SCHOOL, "school": schools[0], "involvement": "consulted"}
    ]
    pages = []
    for anonymous_author in teachers[4:6]:
        decision = decided(
            datetime.date(2026, 9, 1), datetime.date(2026, 9, 20), stakeholders=consulted
        )
        give_input(decision, teachers[0], datetime.date(2026, 9, 5), [])
        give_input(decision, anonymous_author, datetime.date(2026, 9, 5), [], anonymous=True)
        client = client_for(superintendent)
        pages.append(
            (without_csrf(client.get(URL).content), client.get(URL, {"export": "terms"}).content)
        )
        decision.delete()
    assert pages[0] == pages[1]


def test_the_page_explains_its_figures(client_for, superintendent):
    page = client_for(superintendent).get(URL).content.decode()
    assert "Decision health, term by term" in page
    assert "never toward a person" in page
    assert "The district has no guiding principles yet" in page


@pytest.mark.parametrize("persona", ["principal", "teacher", "community_member"])
def test_only_district_leaders_open_the_page(persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"export": "terms"}).status_code == 404


def test_another_districts_decisions_are_not_counted(client_for, outsider, decided):
    decided(datetime.date(2026, 9, 1), datetime.date(2026, 9, 3))
    terms = terms_csv(client_for(outsider))
    assert terms["2026-08-01"]["Decisions decided"] == "0"


@pytest.mark.parametrize("kind", ["person", "team", "school", "role", "role_at_school", "district"])
def test_every_kind_of_consulted_group_counts_its_people_as_the_decision_page_does(
    kind, client_for, superintendent, district, schools, people, decided, give_input
):
    from districts.models import LeadershipTeam, TeamMembership

    alder = people(schools[0], 4)
    birch = people(schools[1], 5, role="principal")
    team = LeadershipTeam.objects.create(district=district, name="Bus group")
    for person in birch[:4]:
        TeamMembership.objects.create(team=team, user=person, team_role="member")
    TeamMembership.objects.create(
        team=team,
        user=alder[0],
        team_role="member",
        joined_on=datetime.date(2025, 1, 1),
        left_on=datetime.date(2026, 1, 1),
    )
    group = {
        "person": [{"kind": "person", "person": p} for p in birch[:4]],
        "team": [{"kind": "team", "team": team}],
        "school": [{"kind": "school", "school": schools[1]}],
        "role": [{"kind": "role", "role": "principal"}],
        "role_at_school": [{"kind": "role", "role": "principal", "school": schools[1]}],
        "district": [{"kind": "district"}],
    }[kind]
    decision = decided(
        datetime.date(2026, 9, 1),
        datetime.date(2026, 9, 20),
        stakeholders=[{**g, "involvement": Involvement.CONSULTED} for g in group],
    )
    # A decision consulting nobody, in the same term: input there hears nobody.
    elsewhere = decided(datetime.date(2026, 9, 1), datetime.date(2026, 9, 21))
    give_input(decision, birch[0], datetime.date(2026, 9, 5), [])
    give_input(decision, birch[1], datetime.date(2026, 9, 5), [])
    give_input(decision, birch[2], datetime.date(2026, 9, 5), [], anonymous=True)
    give_input(decision, alder[0], datetime.date(2026, 9, 5), [])  # left the team
    give_input(elsewhere, birch[3], datetime.date(2026, 9, 5), [])
    expected = set()
    for stakeholder in decision.stakeholders.filter(involvement=Involvement.CONSULTED):
        expected |= set(stakeholder.people().values_list("pk", flat=True))
    heard = {birch[0].pk, birch[1].pk} | ({alder[0].pk} if alder[0].pk in expected else set())
    terms = terms_csv(client_for(superintendent))
    assert terms["2026-08-01"]["Consulted people"] == str(len(expected))
    assert terms["2026-08-01"]["Consulted people heard"] == str(len(heard))
