"""The district dashboard and each school's view: every figure and its link, on a known dataset."""

import csv
import datetime
import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from decisions.models import Decision, Reflection
from districts.models import LeadershipTeam, School, TeamMembership
from principals.models import CheckIn
from rounding.models import FollowUp, SchoolCoverage

UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 18, 18, 0, tzinfo=UTC)  # noon in Chicago
TODAY = datetime.date(2026, 11, 18)


def days(n):
    return datetime.timedelta(days=n)


def at(month, day, hour=15):
    return datetime.datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def data(
    time_machine, district, school, team, superintendent, principal, make_person_in, make_pair
):
    time_machine.move_to(NOW, tick=False)
    birch = School.objects.create(district=district, name="Birch Hill Middle")
    cedar = School.objects.create(district=district, name="Cedar Ridge High")
    birch_team = LeadershipTeam.objects.create(district=district, name="Birch team")
    TeamMembership.objects.create(team=birch_team, user=superintendent, team_role="lead")

    def decision(title, status, at_school, owning_team, **fields):
        return Decision.objects.create(
            district=district,
            school=at_school,
            owning_team=owning_team,
            title=title,
            context="c",
            status=status,
            visibility="district",
            created_by=superintendent,
            **fields,
        )

    decision("Draft", "draft", school, team, input_closes=NOW + days(3))
    decision("Open soon", "open_for_input", school, team, input_closes=NOW + days(3))
    decision("Open later", "open_for_input", school, team, input_closes=NOW + days(20))
    decision("Birch open", "open_for_input", birch, birch_team, input_closes=NOW + days(2))
    decision("Deciding", "deciding", school, team, decide_by=TODAY + days(5))
    due = decision(
        "Due a reflection",
        "decided",
        school,
        team,
        decided_at=NOW - days(60),
        review_on=TODAY - days(10),
        flag_codes=["no_rationale", "review_overdue"],
    )
    reflected = decision(
        "Reflected",
        "implementing",
        birch,
        birch_team,
        decided_at=NOW - days(60),
        review_on=TODAY - days(5),
        flag_codes=["decided_early"],
    )
    Reflection.objects.create(
        district=district, decision=reflected, what_happened="w", verdict="keep"
    )
    decision("No team", "decided", school, None, decided_at=NOW, flag_codes=["no_rationale"])
    decision("Closed", "closed", school, team, review_on=TODAY - days(30))
    decision("Withdrawn", "withdrawn", school, team, input_closes=NOW + days(1))

    # Coverage (target 42 days): Alder visited 3 days ago, Birch never, Cedar 52 days ago.
    SchoolCoverage.objects.create(district=district, school=school, last_visit=TODAY - days(3))
    SchoolCoverage.objects.create(district=district, school=cedar, last_visit=TODAY - days(52))

    def follow_up(at_school, status, age, due_in):
        return FollowUp.objects.create(
            district=district,
            school=at_school,
            what=f"{status} {age}",
            owner=principal,
            due_on=TODAY + days(due_in),
            status=status,
            reason="Because." if status == "red" else "",
            created_at=NOW - days(age),
        )

    follow_up(school, "red", 2, 10)
    follow_up(school, "yellow", 10, -1)
    follow_up(school, "new", 40, -5)
    follow_up(school, "green", 3, 5)
    follow_up(birch, "new", 1, 10)

    # Check-ins: Bob at Alder Creek, Pat at Birch Hill (past the cadence).
    pat = make_person_in(district, "principal", "Pat Moreau", "pat@cedar.example", [birch])
    alder_pair = make_pair(superintendent, principal, school)
    birch_pair = make_pair(superintendent, pat, birch, overdue_since=NOW - days(3))

    def meeting(pair, when, status="held", pulse=None):
        CheckIn.objects.create(
            district=district, pair=pair, scheduled_at=when, status=status, pulse=pulse
        )

    meeting(alder_pair, at(11, 3), pulse=4)
    meeting(alder_pair, at(11, 17), pulse=2)
    meeting(birch_pair, at(11, 10), pulse=5)
    meeting(birch_pair, at(11, 12), pulse=3)
    meeting(alder_pair, at(10, 20), pulse=3)
    meeting(alder_pair, at(10, 6), status="missed")
    meeting(alder_pair, at(9, 8), pulse=4)  # ten weeks ago: outside the last eight
    meeting(alder_pair, at(12, 1), status="scheduled")
    return {"alder": school, "birch": birch, "cedar": cedar, "due": due, "birch_team": birch_team}


def tables(response) -> dict[str, list[list[tuple[str, str]]]]:
    """Each table on the page by its caption: rows of (text, link) cells, header row first."""
    html = response.content.decode()
    found = {}
    for caption, body in re.findall(r"<caption>(.*?)</caption>(.*?)</table>", html, flags=re.S):
        rows = []
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
            cells = []
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S):
                link = re.search(r'href="([^"]*)"', cell)
                text = re.sub(r'<span class="visually-hidden">.*?</span>', "", cell)
                text = unescape(re.sub(r"<[^>]+>", "", text)).strip()
                cells.append((text, unescape(link.group(1)) if link else ""))
            rows.append(cells)
        found[unescape(caption)] = rows
    return found


def cell(table, row_label, column):
    header = [text for text, _link in table[0]]
    for row in table[1:]:
        if row[0][0] == row_label:
            return row[header.index(column)]
    raise AssertionError(f"no row {row_label!r}")


def query(link) -> dict:
    parts = urlsplit(link)
    return {"path": parts.path, **{k: v[0] for k, v in parse_qs(parts.query).items()}}


# ----- the district view


@pytest.fixture
def district_page(data, client_for, superintendent):
    response = client_for(superintendent).get(reverse("insights:dashboard"))
    assert response.status_code == 200
    return tables(response)


def test_open_decisions_by_status_link_to_the_filtered_list(district_page):
    table = district_page["Open decisions by status"]
    assert cell(table, "Draft", "Decisions") == (
        "1",
        "/decisions/?status=draft",
    )
    assert cell(table, "Open for input", "Decisions") == ("3", "/decisions/?status=open_for_input")
    assert cell(table, "Deciding", "Decisions") == ("1", "/decisions/?status=deciding")
    assert cell(table, "Draft", "Closing or due within 7 days") == (
        "1",
        "/decisions/?status=draft&soon=on",
    )
    assert cell(table, "Open for input", "Closing or due within 7 days")[0] == "2"
    assert cell(table, "Deciding", "Closing or due within 7 days")[0] == "1"


def test_flags_by_kind_count_each_flag_and_link_to_it(district_page):
    table = district_page["Integrity flags by kind"]
    assert cell(table, "No rationale", "Decisions") == ("2", "/decisions/?flag=no_rationale")
    assert cell(table, "Review date passed without a reflection", "Decisions") == (
        "1",
        "/decisions/?flag=review_overdue",
    )
    assert cell(table, "Decided before the input window closed", "Decisions")[0] == "1"
    assert cell(table, "Flagged decisions, any flag", "Decisions") == (
        "3",
        "/decisions/?flagged=on",
    )
    # Kinds nobody has are left out.
    assert len(table) == 1 + 3 + 1


def test_flags_by_team(district_page, data, team):
    table = district_page["Flagged decisions by owning team"]
    assert [row[0][0] for row in table[1:]] == [
        "Birch team",
        "District leadership team",
        "No owning team",
    ]
    assert cell(table, "District leadership team", "Flagged decisions") == (
        "1",
        f"/decisions/?flagged=on&team={team.pk}",
    )
    assert cell(table, "District leadership team", "No rationale") == (
        "1",
        f"/decisions/?flag=no_rationale&team={team.pk}",
    )
    assert cell(table, "Birch team", "Decided before the input window closed")[0] == "1"
    assert cell(table, "No owning team", "No rationale") == ("1", "/decisions/?flag=no_rationale")


def test_reflections_due(district_page):
    table = district_page["Reflections due"]
    assert table[1][1] == ("1", "/decisions/?reflection_due=on")


def test_rounding_coverage_and_overdue_schools(district_page):
    table = district_page["Rounding coverage"]
    assert cell(table, "All schools", "Number") == ("3", "/rounding/coverage/")
    assert cell(table, "Visited in the last 42 days", "Number") == ("1", "/rounding/coverage/")
    assert cell(table, "Past the target of 42 days", "Number") == (
        "2",
        "/rounding/coverage/?overdue=1",
    )
    assert cell(table, "Never visited", "Number") == ("1", "/rounding/coverage/?overdue=1")
    overdue = district_page["Schools past the visit target, the longest without a visit first"]
    assert [(row[0][0], row[2][0]) for row in overdue[1:]] == [
        ("Birch Hill Middle", ""),
        ("Cedar Ridge High", "52"),
    ]
    assert overdue[1][0][1].startswith("/rounding/briefing/")


def test_follow_ups_by_colour_and_age(district_page):
    table = district_page["Follow-ups by stoplight colour and age"]
    assert cell(table, "Cannot do", "Under 7 days old")[0] == "1"
    assert cell(table, "In progress", "7 to 30 days old")[0] == "1"
    assert cell(table, "In progress", "Past due")[0] == "1"
    assert cell(table, "Not started", "Under 7 days old")[0] == "1"
    assert cell(table, "Not started", "Over 30 days old")[0] == "1"
    assert cell(table, "Not started", "Past due")[0] == "1"
    assert cell(table, "Not started", "All") == ("2", "#table-follow-ups-by-school")
    assert cell(table, "Done", "All")[0] == "1"
    assert cell(table, "Done", "Past due") == ("", "")


def test_open_follow_ups_by_school_link_to_each_stoplight(district_page, data):
    table = district_page["Open follow-ups by school, the most first"]
    alder = reverse("rounding:school", args=[data["alder"].pk])
    assert [row[0][0] for row in table[1:]] == ["Alder Creek Elementary", "Birch Hill Middle"]
    assert cell(table, "Alder Creek Elementary", "Cannot do") == ("1", alder)
    assert cell(table, "Alder Creek Elementary", "Past due") == ("2", alder)
    assert cell(table, "Birch Hill Middle", "Not started")[0] == "1"


def test_check_in_health(district_page):
    table = district_page["Check-in health"]
    assert cell(table, "Held in the last 8 weeks", "Number") == ("5", "/check-ins/?who=all")
    assert cell(table, "Missed in the last 8 weeks", "Number")[0] == "1"
    assert cell(table, "Active pairs", "Number")[0] == "2"
    assert cell(table, "Pairs past their cadence", "Number")[0] == "1"


def test_pulse_shows_a_month_only_with_at_least_four_pulses(district_page):
    table = district_page["Pulse by month (1 struggling, 5 thriving)"]
    assert [row[0][0] for row in table[1:]] == [
        "November 2026",
        "October 2026",
        "September 2026",
        "August 2026",
        "July 2026",
        "June 2026",
    ]
    assert cell(table, "November 2026", "Average pulse")[0] == "3.5"
    assert cell(table, "November 2026", "Check-ins with a pulse")[0] == "4"
    # One pulse in October: whose it is would be plain.
    assert cell(table, "October 2026", "Average pulse")[0] == "too few to show"
    assert cell(table, "October 2026", "Check-ins with a pulse")[0] == "too few to show"


def test_every_linked_list_shows_the_counted_rows(data, client_for, superintendent):
    client = client_for(superintendent)
    for link, title in [
        ("/decisions/?status=open_for_input&soon=on", ["Open soon", "Birch open"]),
        ("/decisions/?flag=no_rationale", ["Due a reflection", "No team"]),
        ("/decisions/?reflection_due=on", ["Due a reflection"]),
        ("/decisions/?status=deciding&soon=on", ["Deciding"]),
    ]:
        html = client.get(link).content.decode()
        for expected in title:
            assert expected in html, link
        assert "Open later" not in html and "Reflected<" not in html
    coverage = client.get("/rounding/coverage/?overdue=1").content.decode()
    assert "Birch Hill Middle" in coverage and "Cedar Ridge High" in coverage
    assert "Alder Creek Elementary" not in coverage


def test_page_has_headings_and_download_links(data, client_for, superintendent):
    response = client_for(superintendent).get(reverse("insights:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>District dashboard</h1>" in html
    assert 'role="region"' in html and 'tabindex="0"' in html
    assert html.count("Download “") == 10
    assert "More insights" in html


def test_empty_district_says_what_to_do(client_for, superintendent):
    html = client_for(superintendent).get(reverse("insights:dashboard")).content.decode()
    assert "No decision is open. Start one on the Decisions page" in html
    assert "No follow-ups yet." in html
    assert "No schools yet." in html
    assert "Pair each principal with a supervisor" in html


# ----- a school's view


def test_principal_is_sent_to_their_school(data, client_for, principal):
    response = client_for(principal).get(reverse("insights:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("insights:school", args=[data["alder"].pk])


def test_school_view_for_its_principal(data, client_for, principal):
    alder = data["alder"]
    response = client_for(principal).get(reverse("insights:school", args=[alder.pk]))
    assert response.status_code == 200
    page = tables(response)
    statuses = page["Open decisions by status"]
    assert cell(statuses, "Open for input", "Decisions") == (
        "2",
        f"/decisions/?status=open_for_input&school={alder.pk}",
    )
    assert cell(statuses, "Open for input", "Closing or due within 7 days")[0] == "1"
    kinds = page["Integrity flags by kind"]
    assert cell(kinds, "No rationale", "Decisions") == (
        "2",
        f"/decisions/?flag=no_rationale&school={alder.pk}",
    )
    assert "Decided before the input window closed" not in str(kinds)
    assert page["Reflections due"][1][1][0] == "1"
    stoplight = reverse("rounding:school", args=[alder.pk])
    coverage = page["Rounding coverage"]
    assert cell(coverage, "Days since the last visit", "Figure") == ("3", stoplight)
    assert cell(coverage, "Past the target of 42 days", "Figure")[0] == "no"
    follow_ups = page["Follow-ups by stoplight colour and age"]
    assert cell(follow_ups, "Not started", "All") == ("1", stoplight)
    assert "Open follow-ups by school, the most first" not in page
    health = page["Check-in health"]
    assert cell(health, "Held in the last 8 weeks", "Number") == ("3", "/check-ins/")
    assert cell(health, "Active pairs", "Number")[0] == "1"
    assert cell(health, "Pairs past their cadence", "Number")[0] == "0"
    # Two pulses of one principal in November: never shown.
    pulse = page["Pulse by month (1 struggling, 5 thriving)"]
    assert cell(pulse, "November 2026", "Average pulse")[0] == "too few to show"


def test_district_leader_opens_any_school(data, client_for, superintendent):
    birch = data["birch"]
    response = client_for(superintendent).get(reverse("insights:school", args=[birch.pk]))
    assert response.status_code == 200
    page = tables(response)
    assert cell(page["Open decisions by status"], "Open for input", "Decisions")[0] == "1"
    coverage = page["Rounding coverage"]
    assert cell(coverage, "Days since the last visit", "Figure") == (
        "never visited",
        reverse("rounding:briefing", args=[birch.pk]),
    )
    assert cell(coverage, "Past the target of 42 days", "Figure")[0] == "yes"


# ----- who may see it


def test_principal_cannot_open_another_schools_view(data, client_for, principal):
    client = client_for(principal)
    birch = data["birch"].pk
    assert client.get(reverse("insights:school", args=[birch])).status_code == 404
    export = reverse("insights:school_export", args=[birch, "decisions"])
    assert client.get(export).status_code == 404
    assert client.get(reverse("insights:export", args=["decisions"])).status_code == 404


@pytest.mark.parametrize("persona", ["teacher", "community_member", "student"])
def test_others_in_the_district_get_no_dashboard(data, client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))
    alder = data["alder"].pk
    for url in [
        reverse("insights:dashboard"),
        reverse("insights:school", args=[alder]),
        reverse("insights:export", args=["decisions"]),
        reverse("insights:school_export", args=[alder, "decisions"]),
    ]:
        assert client.get(url).status_code == 404, url


def test_another_districts_leader_sees_none_of_ours(data, client_for, outsider):
    client = client_for(outsider)
    alder = data["alder"].pk
    assert client.get(reverse("insights:school", args=[alder])).status_code == 404
    export = reverse("insights:school_export", args=[alder, "decisions"])
    assert client.get(export).status_code == 404
    own = client.get(reverse("insights:dashboard"))
    assert own.status_code == 200
    assert "No decision is open." in own.content.decode()
    assert "Alder Creek" not in own.content.decode()


def test_signed_out_visitor_is_sent_to_sign_in(data, client):
    response = client.get(reverse("insights:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_menu_links_insights_for_leaders_and_principals_only(
    data, client_for, superintendent, teacher
):
    link = f'href="{reverse("insights:dashboard")}"'
    assert link in client_for(superintendent).get(reverse("home")).content.decode()
    assert link not in client_for(teacher).get(reverse("home")).content.decode()


# ----- CSV


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


EXPECTED_DISTRICT_CSV = {
    "decisions": [
        ["Status", "Decisions", "Closing or due within 7 days"],
        ["Draft", "1", "1"],
        ["Open for input", "3", "2"],
        ["Deciding", "1", "1"],
    ],
    "flags-by-kind": [
        ["Flag", "Decisions"],
        ["Decided before the input window closed", "1"],
        ["No rationale", "2"],
        ["Review date passed without a reflection", "1"],
        ["Flagged decisions, any flag", "3"],
    ],
    "flags-by-team": [
        [
            "Team",
            "Flagged decisions",
            "Decided before the input window closed",
            "No rationale",
            "Review date passed without a reflection",
        ],
        ["Birch team", "1", "1", "0", "0"],
        ["District leadership team", "1", "0", "1", "1"],
        ["No owning team", "1", "0", "1", "0"],
    ],
    "reflections": [
        ["What", "Decisions"],
        ["Decided, past the review date, no reflection yet", "1"],
    ],
    "coverage": [
        ["Schools", "Number"],
        ["All schools", "3"],
        ["Visited in the last 42 days", "1"],
        ["Past the target of 42 days", "2"],
        ["Never visited", "1"],
    ],
    "overdue-schools": [
        ["School", "Last visit", "Days since"],
        ["Birch Hill Middle", "never", ""],
        ["Cedar Ridge High", "2026-09-27", "52"],
    ],
    "follow-ups": [
        ["Colour", "Under 7 days old", "7 to 30 days old", "Over 30 days old", "Past due", "All"],
        ["Cannot do", "1", "0", "0", "0", "1"],
        ["In progress", "0", "1", "0", "1", "1"],
        ["Not started", "1", "0", "1", "1", "2"],
        ["Done", "1", "0", "0", "", "1"],
    ],
    "follow-ups-by-school": [
        ["School", "Cannot do", "In progress", "Not started", "Past due"],
        ["Alder Creek Elementary", "1", "1", "1", "2"],
        ["Birch Hill Middle", "0", "0", "1", "0"],
    ],
    "check-ins": [
        ["What", "Number"],
        ["Held in the last 8 weeks", "5"],
        ["Missed in the last 8 weeks", "1"],
        ["Active pairs", "2"],
        ["Pairs past their cadence", "1"],
    ],
    "pulse": [
        ["Month", "Average pulse", "Check-ins with a pulse"],
        ["November 2026", "3.5", "4"],
        ["October 2026", "too few to show", "too few to show"],
        ["September 2026", "too few to show", "too few to show"],
        ["August 2026", "too few to show", "too few to show"],
        ["July 2026", "too few to show", "too few to show"],
        ["June 2026", "too few to show", "too few to show"],
    ],
}


@pytest.mark.parametrize("table", list(EXPECTED_DISTRICT_CSV))
def test_each_district_table_downloads_as_csv(data, client_for, superintendent, table):
    response = client_for(superintendent).get(reverse("insights:export", args=[table]))
    assert read_csv(response) == EXPECTED_DISTRICT_CSV[table]
    assert f'filename="{table}.csv"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    "table,expected",
    [
        ("decisions", ["Open for input", "2", "1"]),
        ("reflections", ["Decided, past the review date, no reflection yet", "1"]),
        ("coverage", ["Days since the last visit", "3"]),
        ("follow-ups", ["Not started", "0", "0", "1", "1", "1"]),
        ("check-ins", ["Held in the last 8 weeks", "3"]),
        ("pulse", ["November 2026", "too few to show", "too few to show"]),
    ],
)
def test_school_tables_download_as_csv(data, client_for, principal, table, expected):
    alder = data["alder"].pk
    response = client_for(principal).get(reverse("insights:school_export", args=[alder, table]))
    assert expected in read_csv(response)
    assert f'filename="school-{alder}-{table}.csv"' in response["Content-Disposition"]


def test_csv_has_every_row_where_the_page_shows_the_first_ten(
    data, district, client_for, superintendent
):
    for n in range(12):
        School.objects.create(district=district, name=f"Never visited {n:02d}")
    client = client_for(superintendent)
    page = tables(client.get(reverse("insights:dashboard")))
    overdue = page["Schools past the visit target, the longest without a visit first"]
    assert len(overdue) == 1 + 10
    rows = read_csv(client.get(reverse("insights:export", args=["overdue-schools"])))
    assert len(rows) == 1 + 14


def test_unknown_or_school_less_table_is_not_found(data, client_for, superintendent):
    client = client_for(superintendent)
    assert client.get(reverse("insights:export", args=["nope"])).status_code == 404
    by_school = reverse("insights:school_export", args=[data["alder"].pk, "follow-ups-by-school"])
    assert client.get(by_school).status_code == 404


def test_a_made_up_flag_or_filter_is_ignored_not_an_error(data, client_for, superintendent):
    client = client_for(superintendent)
    for link in ["/decisions/?flag=nope", "/decisions/?soon=%00", "/rounding/coverage/?overdue=x"]:
        assert client.get(link).status_code in (200, 400), link
    html = client.get("/decisions/?flag=nope").content.decode()
    assert "Open later" in html  # the filter is dropped: the whole list shows


def test_principal_of_two_schools_chooses_one(data, client_for, principal):
    principal.schools.add(data["birch"])
    response = client_for(principal).get(reverse("insights:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("insights:school", args=[data["alder"].pk]) in html
    assert reverse("insights:school", args=[data["birch"].pk]) in html
    assert (
        client_for(principal).get(reverse("insights:school", args=[data["birch"].pk])).status_code
        == 200
    )


def test_principal_of_no_school_is_told_what_to_do(district, client_for, make_person_in):
    alone = make_person_in(district, "principal", "New Principal", "new@cedar.example")
    html = client_for(alone).get(reverse("insights:dashboard")).content.decode()
    assert "You are not listed at any school yet." in html


def test_a_district_leader_counts_only_the_check_ins_they_may_read(
    data, district, client_for, make_person_in
):
    leader = make_person_in(district, "district_leader", "Lee Park", "lee@cedar.example")
    page = tables(client_for(leader).get(reverse("insights:dashboard")))
    assert "Check-in health" not in page  # no pairs of theirs: the empty state shows instead
    assert "Pulse by month (1 struggling, 5 thriving)" not in page
    # The rest of the district's figures are theirs to read.
    assert cell(page["Rounding coverage"], "All schools", "Number")[0] == "3"


def test_the_page_says_when_it_shows_only_the_first_rows(
    data, district, client_for, superintendent
):
    client = client_for(superintendent)
    note = "The first 10; the coverage page and the CSV have them all."
    assert note not in client.get(reverse("insights:dashboard")).content.decode()
    for n in range(12):
        School.objects.create(district=district, name=f"Never visited {n:02d}")
    assert note in client.get(reverse("insights:dashboard")).content.decode()
