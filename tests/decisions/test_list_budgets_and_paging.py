"""The decision lists: query budgets that do not grow with the rows, and pages without a count."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import selectors, services
from decisions.models import Decision, DecisionRight, Stakeholder, Visibility

from .conftest import decided, wizard_data

pytestmark = pytest.mark.django_db

# ----- query budgets: the count must not grow with the number of rows


@pytest.fixture
def many(make_decision, school, team, superintendent, teacher):
    def make(n):
        now = timezone.now()
        for i in range(n):
            decision = make_decision(
                f"Decision {i}",
                visibility=Visibility.DISTRICT,
                school=school,
                input_opens=now - datetime.timedelta(days=1),
                input_closes=now + datetime.timedelta(days=2),
                stakeholders=[
                    {"kind": Stakeholder.Kind.SCHOOL, "school": school, "involvement": "affected"}
                ],
                status="open_for_input",
            )
            services.input_give(
                decision=decision, by=teacher, kind="idea", text="i", anonymous=i % 2 == 0
            )
            Decision.objects.filter(pk=decision.pk).update(flag_codes=["no_rationale"])

    return make


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize(
    "name", ["decisions:list", "decisions:affects_me", "decisions:flagged", "decisions:export"]
)
def test_list_pages_stay_within_a_query_budget(
    rows, name, many, teacher, principal, client_for, django_assert_max_num_queries
):
    many(rows)
    client = client_for(principal)
    # "Affects me" reads one more: whether the reader responded, by their own sealed keys,
    # which only the rows already read can give.
    with django_assert_max_num_queries(10 if name == "decisions:affects_me" else 9):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_public_page_and_home_stay_within_a_query_budget(
    rows, many, district, client, principal, client_for, django_assert_max_num_queries
):
    many(rows)
    Decision.objects.update(visibility=Visibility.PUBLIC)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("decisions:public", args=[district.slug])).status_code == 200
    # The principal stewards the team, so both parts of the home section are read; the
    # principal's teams and schools are read once, then kept for the request.
    with django_assert_max_num_queries(4):
        summary = selectors.home_summary(principal)
    assert len(summary["open_for_me"]) == 5 and len(summary["stewarded"]) == 5


@pytest.mark.parametrize("inputs", [5, 50])
def test_decision_page_stays_within_a_query_budget(
    inputs,
    open_decision,
    make_person_in,
    district,
    school,
    superintendent,
    client_for,
    django_assert_max_num_queries,
):
    for i in range(inputs):
        person = make_person_in(district, "teacher", f"P{i}", f"p{i}@cedar.example", [school])
        services.input_give(
            decision=open_decision, by=person, kind="concern", text="t", anonymous=i % 2 == 0
        )
    client = client_for(superintendent)
    with django_assert_max_num_queries(12):
        assert client.get(open_decision.get_absolute_url()).status_code == 200


def test_a_forged_suggestion_is_refused_with_a_message(superintendent, client_for, team):
    response = client_for(superintendent).post(
        reverse("decisions:create"),
        wizard_data(owning_team=str(team.pk), suggested=["team:999999:decides"], save="3"),
    )
    assert response.status_code == 200
    assert "not one of the available choices" in response.content.decode()
    assert not Decision.objects.exists()


def test_moving_between_steps_shows_no_errors_yet(superintendent, client_for):
    response = client_for(superintendent).post(
        reverse("decisions:create"), wizard_data(title="", budget_amount="-1", goto="2")
    )
    body = response.content.decode()
    assert "need another look" not in body
    assert 'value="-1"' in body
    assert "What it changes" in body


@pytest.mark.parametrize("rows", [5, 50])
def test_rights_map_stays_within_a_query_budget(
    rows, district, team, teacher, client_for, django_assert_max_num_queries
):
    DecisionRight.objects.bulk_create(
        DecisionRight(
            district=district,
            domain=["budget", "schedule", "staffing"][i % 3],
            level="district",
            team=team,
            authority="decides",
        )
        for i in range(rows)
    )
    client = client_for(teacher)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("decisions:rights")).status_code == 200


def test_community_member_reads_a_public_decision_but_gives_input_only_when_named(
    open_decision, community_member, client_for, superintendent
):
    services.decision_update(decision=open_decision, by=superintendent, visibility="public")
    client = client_for(community_member)
    body = client.get(open_decision.get_absolute_url()).content.decode()
    assert "Send input" not in body
    client.post(reverse("decisions:input", args=[open_decision.pk]), {"kind": "idea", "text": "x"})
    assert not open_decision.inputs.exists()
    services.stakeholder_add(
        decision=open_decision,
        by=superintendent,
        kind="person",
        person=community_member,
        involvement="consulted",
    )
    client.post(reverse("decisions:input", args=[open_decision.pk]), {"kind": "idea", "text": "x"})
    assert open_decision.inputs.get().author == community_member


def test_affected_teacher_may_reflect_but_an_uninvolved_community_member_may_not(
    open_decision, superintendent, teacher, community_member, client_for
):
    decided(open_decision, superintendent)
    services.decision_update(decision=open_decision, by=superintendent, visibility="public")
    response = client_for(teacher).post(
        reverse("decisions:reflect", args=[open_decision.pk]),
        {"what_happened": "Mornings are calmer", "verdict": "keep"},
    )
    assert response.status_code == 302
    assert open_decision.reflections.get().author == teacher
    response = client_for(community_member).get(
        reverse("decisions:reflect", args=[open_decision.pk])
    )
    assert response.status_code == 403


def test_nav_shows_decision_pages_to_staff_and_the_feed_to_everyone(
    teacher, community_member, client_for
):
    body = client_for(teacher).get("/").content.decode()
    assert ">Affects me<" in body and ">Decisions<" in body and ">Decision rights<" in body
    body = client_for(community_member).get("/").content.decode()
    assert ">Affects me<" in body and ">Decisions<" not in body


# ----- pages without a count: "Next page" carries on where the last page stopped


def _titles_on_every_page(client, url, query=None):
    """Follow "Next page" from the first page; the titles of each page, in order."""

    pages, params = [], dict(query or {})
    while True:
        body = client.get(url, params).content.decode()
        pages.append(re.findall(r"<strong>(Paged [^<]+)</strong>", body))
        found = re.search(r'href="\?([^"]*\bat=([0-9.]+)[^"]*)" rel="next"', body)
        if not found:
            return pages, body
        params = {**params, "at": found.group(2)}


def test_affects_me_pages_through_open_deciding_and_decided_without_gaps(
    make_decision, superintendent, teacher, school, client_for
):
    affecting = [{"kind": "school", "school": school, "involvement": "affected"}]
    now = timezone.now()
    for i in range(30):
        make_decision(
            f"Paged open {i:02}",
            status="open_for_input",
            stakeholders=affecting,
            input_opens=now - datetime.timedelta(days=1),
            input_closes=now + datetime.timedelta(hours=i + 1),
        )
    for i in range(3):
        make_decision(f"Paged deciding {i}", status="deciding", stakeholders=affecting)
    for i in range(2):
        decided(
            make_decision(f"Paged decided {i}", status="deciding", stakeholders=affecting),
            superintendent,
        )

    pages, last = _titles_on_every_page(client_for(teacher), reverse("decisions:affects_me"))

    assert [len(page) for page in pages] == [25, 10]
    titles = [title for page in pages for title in page]
    assert len(set(titles)) == 35
    # Soonest to close first, then the ones being decided, then the decided ones.
    assert titles[:25] == [f"Paged open {i:02}" for i in range(25)]
    assert titles[25:30] == [f"Paged open {i:02}" for i in range(25, 30)]
    assert {t.rsplit(" ", 1)[0] for t in titles[30:33]} == {"Paged deciding"}
    assert {t.rsplit(" ", 1)[0] for t in titles[33:]} == {"Paged decided"}
    assert "First page" in last


def test_affects_me_status_filter_pages_only_that_stage(make_decision, teacher, school, client_for):
    affecting = [{"kind": "school", "school": school, "involvement": "affected"}]
    for i in range(27):
        make_decision(f"Paged deciding {i:02}", status="deciding", stakeholders=affecting)
    make_decision("Paged open one", status="open_for_input", stakeholders=affecting)

    pages, _ = _titles_on_every_page(
        client_for(teacher), reverse("decisions:affects_me"), {"status": "deciding"}
    )

    assert [len(page) for page in pages] == [25, 2]
    assert all("deciding" in title for page in pages for title in page)


@pytest.mark.parametrize("cursor", ["", "x", "9.0", "0.-5", "1.2.3", "0." + "9" * 30])
def test_a_mangled_page_link_shows_the_first_page(
    cursor, make_decision, teacher, school, client_for
):
    affecting = [{"kind": "school", "school": school, "involvement": "affected"}]
    make_decision("Paged open one", status="open_for_input", stakeholders=affecting)
    client = client_for(teacher)
    for name in ("decisions:affects_me", "decisions:list"):
        response = client.get(reverse(name), {"at": cursor})
        assert response.status_code == 200
        assert "Paged open one" in response.content.decode()


def test_decision_list_pages_newest_first_without_repeating_a_decision(
    make_decision, superintendent, client_for
):
    for i in range(27):
        make_decision(f"Paged listed {i:02}", visibility=Visibility.DISTRICT)

    pages, _ = _titles_on_every_page(client_for(superintendent), reverse("decisions:list"))

    assert [len(page) for page in pages] == [25, 2]
    titles = [title for page in pages for title in page]
    assert titles == [f"Paged listed {i:02}" for i in reversed(range(27))]


@pytest.mark.parametrize(
    "visibility, status",
    [(Visibility.TEAM, "open_for_input"), (Visibility.DISTRICT, "draft")],
)
def test_affects_me_never_shows_what_the_teacher_may_not_see(
    visibility, status, make_decision, teacher, school, other_district, client_for, make_person_in
):
    affecting = [{"kind": "school", "school": school, "involvement": "affected"}]
    make_decision("Paged hidden", visibility=visibility, status=status, stakeholders=affecting)
    # Another district's decision that would affect "everyone" affects nobody here.
    other_lead = make_person_in(other_district, "superintendent", "Other", "o@harbor.example", [])
    make_decision(
        "Paged elsewhere",
        dist=other_district,
        by=other_lead,
        owning_team=None,
        status="open_for_input",
        stakeholders=[{"kind": "district", "involvement": "affected"}],
    )
    make_decision("Paged mine", status="open_for_input", stakeholders=affecting)

    pages, _ = _titles_on_every_page(client_for(teacher), reverse("decisions:affects_me"))

    assert pages == [["Paged mine"]]
