"""The themes page: counts across sources, the small-group rule, anonymity, alerts, exports."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from decisions.models.related import anonymous_key
from districts.models import User
from insights import themes as figures
from insights.charts import bar_chart
from tests.insights.conftest import TRENDS

pytestmark = TRENDS
URL = reverse("insights:themes")
OCT = datetime.date(2026, 10, 6)
SEP = datetime.date(2026, 9, 8)


def rows_of(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def without_csrf(content: bytes) -> str:
    """The page without its CSRF tokens and script nonces (they differ on every response)."""
    pattern = r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|nonce=")[^"]+'
    return re.sub(pattern, r"\1", content.decode())


def row_for(rows, label) -> list[str] | None:
    return next((row for row in rows if row[0] == label), None)


def months_csv(client, **params):
    return rows_of(client.get(URL, {"export": "months", **params}))


def schools_csv(client, **params):
    return rows_of(client.get(URL, {"export": "schools", **params}))


def test_month_starts_end_with_this_month():
    assert figures.month_starts(datetime.date(2026, 2, 10), 3) == [
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]


def test_a_theme_raised_by_four_people_is_counted_and_by_three_is_not(
    client_for, superintendent, schools, workload, people, converse
):
    alder, birch = schools[0], schools[1]
    for person in people(alder, 4):
        converse(alder, OCT, [workload], person=person)
    for person in people(birch, 3):
        converse(birch, OCT, [workload], person=person)
    client = client_for(superintendent)

    by_month = months_csv(client)
    assert by_month[0] == [
        "Theme", "Jun 2026", "Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026", "Nov 2026", "Total",
    ]  # fmt: skip
    # Birch Hill's three people are in no figure, not even the total.
    assert row_for(by_month, "Workload") == ["Workload", "", "", "", "", "4", "", "4"]
    by_school = schools_csv(client)
    assert row_for(by_school, "Alder Creek Elementary") == ["Alder Creek Elementary", "4", "4"]
    assert row_for(by_school, "Birch Hill Elementary") is None
    page = client.get(URL).content.decode()
    assert (
        "Birch Hill Elementary" not in page.split('id="schools-heading"')[1].split("</section>")[0]
    )


def test_a_school_of_three_people_shows_nothing_even_when_asked_for(
    client_for, superintendent, schools, workload, people, converse
):
    birch = schools[1]
    for person in people(birch, 3):
        converse(birch, OCT, [workload], person=person)
    client = client_for(superintendent)
    assert row_for(months_csv(client, school=birch.pk), "Workload")[1:] == [""] * 7
    response = client.get(URL, {"school": birch.pk})
    assert "Nothing to show for this period yet" in response.content.decode()


def test_the_same_person_met_twice_is_one_person(
    client_for, superintendent, schools, workload, people, converse
):
    alder = schools[0]
    for person in people(alder, 2):
        converse(alder, OCT, [workload], person=person)
        converse(alder, OCT + datetime.timedelta(days=7), [workload], person=person)
    assert row_for(months_csv(client_for(superintendent)), "Workload")[5] == ""


def test_people_not_in_the_roster_count_once_per_conversation(
    client_for, superintendent, schools, workload, converse
):
    for name in ("Sam", "Ana", "Lee", "Kim"):
        converse(schools[0], OCT, [workload], name=name, role_group="cook")
    assert row_for(months_csv(client_for(superintendent)), "Workload")[5] == "4"


def test_no_total_lets_a_hidden_cell_be_worked_out(
    client_for, superintendent, schools, workload, safety, people, converse
):
    """The district's figures are the sum of the schools' shown figures, in every view."""
    alder, birch, cedar = schools[0], schools[1], schools[2]
    for person in people(alder, 5):
        converse(alder, OCT, [workload, safety], person=person)
    for person in people(birch, 2):  # hidden
        converse(birch, OCT, [workload], person=person)
    for person in people(cedar, 4):
        converse(cedar, SEP, [workload], person=person)
    client = client_for(superintendent)
    district = row_for(months_csv(client), "Workload")
    assert district == ["Workload", "", "", "", "4", "5", "", "9"]
    per_school = [row_for(months_csv(client, school=s.pk), "Workload") for s in schools]
    for column in range(1, 8):
        assert sum(int(row[column] or 0) for row in per_school) == int(district[column] or 0)
    by_school = schools_csv(client)
    assert row_for(by_school, "Workload") is None
    assert by_school[0] == ["School", "Safety", "Workload", "Total"]
    assert row_for(by_school, "Alder Creek Elementary") == [
        "Alder Creek Elementary",
        "5",
        "5",
        "10",
    ]
    assert row_for(by_school, "Cedar Ridge Middle") == ["Cedar Ridge Middle", "", "4", "4"]
    assert len(by_school) == 3  # the header, Alder Creek, Cedar Ridge


def test_check_in_problems_count_principals_across_the_district_only(
    client_for, superintendent, schools, workload, people, raise_problem
):
    principals = [people(school, 1, role="principal")[0] for school in schools]
    for school, principal in zip(schools, principals, strict=True):
        raise_problem(school, principal, OCT, [workload])
        raise_problem(school, principal, OCT + datetime.timedelta(days=14), [workload])
    client = client_for(superintendent)
    assert row_for(months_csv(client, source="check_ins"), "Workload")[5] == "8"
    # Each school has one principal: no school shows its problems.
    assert len(schools_csv(client, source="check_ins")) == 1
    assert (
        row_for(months_csv(client, source="check_ins", school=schools[0].pk), "Workload")[5] == ""
    )


def test_three_principals_are_too_few_even_for_the_district(
    client_for, superintendent, schools, workload, people, raise_problem
):
    for school in schools[:3]:
        raise_problem(school, people(school, 1, role="principal")[0], OCT, [workload])
    assert row_for(months_csv(client_for(superintendent)), "Workload")[5] == ""


def test_named_input_counts_its_authors_and_anonymous_input_counts_nowhere(
    client_for, superintendent, schools, workload, people, decision_at, give_input
):
    alder = schools[0]
    decision = decision_at(alder)
    authors = people(alder, 6)
    for author in authors[:3]:
        give_input(decision, author, OCT, [workload])
    for author in authors[3:]:
        give_input(decision, author, OCT, [workload], anonymous=True)
    client = client_for(superintendent)
    # Three named authors: hidden, though six people gave input.
    assert row_for(months_csv(client), "Workload")[5] == ""
    give_input(decision, people(alder, 1)[0], OCT, [workload])
    assert row_for(months_csv(client), "Workload")[5] == "4"
    assert row_for(schools_csv(client), "Alder Creek Elementary") == [
        "Alder Creek Elementary", "4", "4",
    ]  # fmt: skip


def test_input_on_a_decision_for_the_whole_district_has_a_row_of_its_own(
    client_for, superintendent, schools, workload, people, decision_at, give_input
):
    decision = decision_at(None)
    for author in people(schools[0], 4):
        give_input(decision, author, OCT, [workload])
    rows = schools_csv(client_for(superintendent))
    assert row_for(rows, "Decisions for the whole district") == [
        "Decisions for the whole district", "4", "4",
    ]  # fmt: skip


@pytest.fixture
def anonymous_world(schools, workload, people, decision_at, give_input):
    """Four named authors and one anonymous input, whose author is chosen by the test."""

    def build(anonymous_author_index):
        alder = schools[0]
        decision = decision_at(alder)
        authors = people(alder, 4)
        for author in authors:
            give_input(decision, author, OCT, [workload])
        # Two possible writers, at different schools and of different roles.
        others = [people(schools[1], 1)[0], people(schools[2], 1, role="staff")[0]]
        give_input(decision, others[anonymous_author_index], OCT, [workload], anonymous=True)
        return decision

    return build


@pytest.mark.parametrize("params", [{}, {"source": "input"}, {"export": "months"}, {"export": "schools"}, {"export": "chart"}])  # fmt: skip
def test_who_wrote_anonymous_input_changes_nothing(
    params, client_for, superintendent, schools, anonymous_world
):
    """Two worlds that differ only in who wrote the anonymous input give the same page."""
    decision = anonymous_world(0)
    client = client_for(superintendent)
    first = without_csrf(client.get(URL, params).content)
    anonymous = decision.inputs.get(is_anonymous=True)
    other_writer = User.objects.get(role="staff", schools=schools[2])
    anonymous.anonymous_key = anonymous_key(decision.pk, other_writer.pk)
    anonymous.save()
    second = without_csrf(client.get(URL, params).content)
    assert first == second
    assert "Workload" in first or "Decision input,,,,,4," in first


def test_anonymous_input_adds_nothing_to_a_figure(
    client_for, superintendent, anonymous_world, give_input, people, schools, workload
):
    decision = anonymous_world(0)
    client = client_for(superintendent)
    before = months_csv(client)
    give_input(decision, people(schools[2], 1)[0], OCT, [workload], anonymous=True)
    assert months_csv(client) == before
    assert row_for(before, "Workload")[5] == "4"


def test_a_theme_rising_at_three_schools_is_named(
    client_for, superintendent, schools, workload, safety, people, converse
):
    for school in schools[:3]:
        for person in people(school, 4):
            converse(school, OCT, [workload], person=person)
    # At the fourth school Workload came up less than in September.
    dogwood = people(schools[3], 5)
    for person in dogwood:
        converse(schools[3], SEP, [workload], person=person)
    for person in dogwood[:4]:
        converse(schools[3], OCT, [workload], person=person)
    page = client_for(superintendent).get(URL).content.decode()
    assert "Workload grew at 3 schools at once" in page
    assert "Safety grew" not in page


def test_growth_at_a_school_too_small_to_show_raises_no_alert(
    client_for, superintendent, schools, workload, people, converse
):
    for school in schools[:2]:
        for person in people(school, 4):
            converse(school, OCT, [workload], person=person)
    for person in people(schools[2], 3):  # three people: not counted
        converse(schools[2], OCT, [workload], person=person)
    page = client_for(superintendent).get(URL).content.decode()
    assert "grew at" not in page


def test_the_chart_shows_the_months_by_source_with_gaps(
    client_for, superintendent, schools, workload, people, converse, raise_problem
):
    for person in people(schools[0], 4):
        converse(schools[0], OCT, [workload], person=person)
    for school in schools:
        raise_problem(school, people(school, 1, role="principal")[0], SEP, [workload])
    client = client_for(superintendent)
    response = client.get(URL, {"theme": workload.pk})
    page = response.content.decode().split('id="chart-heading"')[1].split("</section>")[0]
    assert 'role="img"' in page and "<title" in page and "<script" not in page
    assert "Workload by month. Rounding conversations: Oct 2026 4" in page
    chart = rows_of(client.get(URL, {"export": "chart", "theme": workload.pk}))
    assert chart == [
        ["Source", "Jun 2026", "Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026", "Nov 2026"],
        ["Rounding conversations", "", "", "", "", "4", ""],
        ["Check-in problems", "", "", "", "4", "", ""],
        ["Decision input", "", "", "", "", "", ""],
    ]
    assert page.count("<rect") == 2 + 3  # two bars and three legend keys: gaps draw nothing


def test_the_chart_draws_no_bar_for_a_hidden_month():
    svg = bar_chart(
        chart_id="c",
        title="T <b>",
        description="D",
        categories=["Sep", "Oct"],
        series=[("Rounding", [None, 5])],
    )
    assert svg.count("<rect") == 2  # one bar, one legend key
    assert "T &lt;b&gt;" in svg


def test_the_period_and_source_filters_narrow_the_figures(
    client_for, superintendent, schools, workload, people, converse
):
    for person in people(schools[0], 4):
        converse(schools[0], OCT, [workload], person=person)
    client = client_for(superintendent)
    assert months_csv(client, months=3)[0][1:4] == ["Sep 2026", "Oct 2026", "Nov 2026"]
    assert row_for(months_csv(client, source="input"), "Workload")[5] == ""


@pytest.mark.parametrize(
    "query",
    [
        {"months": "abc"},
        {"months": "99999999999999999999"},
        {"school": "-1"},
        {"school": "99999999999999999999999"},
        {"theme": "x"},
        {"source": "everything"},
        {"export": "nonsense"},
    ],
)
def test_bad_filters_fall_back_to_the_defaults(query, client_for, superintendent, schools):
    assert client_for(superintendent).get(URL, query).status_code == 200


def test_the_page_explains_the_rule_and_what_to_do_when_empty(client_for, superintendent, school):
    page = client_for(superintendent).get(URL).content.decode()
    assert "at least 4 different people" in page
    assert "Anonymous input is never counted here" in page
    assert "The district has no themes yet" in page


@pytest.mark.parametrize("persona", ["principal", "teacher", "community_member", "student"])
def test_only_district_leaders_open_the_page(persona, request, client_for, school):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"export": "months"}).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_another_districts_items_are_not_counted(
    client_for, outsider, other_school, superintendent, schools, workload, people, converse
):
    for person in people(schools[0], 4):
        converse(schools[0], OCT, [workload], person=person)
    page = client_for(outsider).get(URL).content.decode()
    assert "Workload" not in page and "Alder Creek" not in page


def test_figures_are_kept_for_a_few_minutes_then_counted_again(
    client_for, superintendent, schools, workload, people, converse, monkeypatch, time_machine
):
    from insights.views import trends

    monkeypatch.setattr(trends, "FIGURES_KEPT_SECONDS", 600)
    client = client_for(superintendent)
    assert row_for(months_csv(client), "Workload")[5] == ""
    for person in people(schools[0], 4):
        converse(schools[0], OCT, [workload], person=person)
    assert row_for(months_csv(client), "Workload")[5] == ""
    time_machine.shift(datetime.timedelta(minutes=11))
    assert row_for(months_csv(client), "Workload")[5] == "4"


def test_input_on_decisions_for_the_whole_district_is_not_a_school_in_the_alert(
    client_for, superintendent, schools, workload, people, converse, decision_at, give_input
):
    for school in schools[:2]:
        for person in people(school, 4):
            converse(school, OCT, [workload], person=person)
    decision = decision_at(None)
    for author in people(schools[3], 4):
        give_input(decision, author, OCT, [workload])
    page = client_for(superintendent).get(URL).content.decode()
    assert "grew at" not in page


def test_the_dashboard_links_to_the_trends_pages_for_district_leaders(client_for, superintendent):
    page = client_for(superintendent).get(reverse("insights:dashboard")).content.decode()
    for name in ("insights:themes", "insights:participation", "insights:health"):
        assert f'href="{reverse(name)}"' in page


def test_a_large_district_sees_the_schools_with_the_most_and_the_csv_has_all(
    client_for, superintendent, district, workload, people, converse
):
    from districts.models import School

    many = [School.objects.create(district=district, name=f"School {i:02d}") for i in range(27)]
    for n, school in enumerate(many):
        for person in people(school, 5 if n == 26 else 4):
            converse(school, OCT, [workload], person=person)
    client = client_for(superintendent)
    section = client.get(URL).content.decode().split('id="schools-heading"')[1]
    section = section.split("</section>")[0]
    assert section.count('<th scope="row">') == 25
    assert "The 25 schools with the most, of 27" in section
    assert section.index("School 26") < section.index("School 00")
    assert "School 25" not in section and len(schools_csv(client)) - 1 == 27
