"""Every key page runs at most 12 queries (session and user included), with 5 rows or 50.

The same district is built at two sizes: decisions affecting Alder Creek with input on them,
rounding visits with conversations, follow-ups and celebrations, and the superintendent's
check-in pairs with their history. A page whose count grows with the data fails at 50.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from decisions import services as decision_services
from decisions.models import Decision, Involvement, Stakeholder
from decisions.views import INPUT_PAGE_SIZE
from districts.models import School, Theme
from principals import services as principal_services
from principals.models import ActionItem, CheckIn, CheckInPair
from rounding import services as rounding_services
from rounding.models import RoundingVisit

BUDGET = 12


@pytest.fixture
def built(district, school, team, superintendent, principal, teacher, make_person_in, make_pair):
    def build(rows: int) -> dict:
        now = timezone.now()
        # The district's today: a visit dated after it (UTC runs ahead of Chicago) is refused.
        today = timezone.localdate(timezone=ZoneInfo(district.timezone))
        theme = Theme.objects.create(district=district, name="Workload")
        people = [
            make_person_in(district, "teacher", f"Teacher {i}", f"t{i}@cedar.example", [school])
            for i in range(rows)
        ]
        affecting = [
            {"kind": Stakeholder.Kind.SCHOOL, "school": school, "involvement": "affected"},
            {
                "kind": Stakeholder.Kind.ROLE,
                "role": "teacher",
                "school": school,
                "involvement": Involvement.CONSULTED,
            },
        ]
        decisions = []
        for i in range(rows):
            decision = decision_services.decision_create(
                district=district,
                by=superintendent,
                title=f"Decision {i}",
                context="c",
                owning_team=team,
                domain="schedule",
                process_type="consent",
                stakeholders=affecting,
                input_opens=now - datetime.timedelta(days=1),
                input_closes=now + datetime.timedelta(days=5),
            )
            decision_services.decision_open_input(decision=decision, by=superintendent)
            decisions.append(decision)
        big = Decision.objects.get(pk=decisions[0].pk)
        for i, person in enumerate(people):
            decision_services.input_give(
                decision=big,
                by=person,
                kind="concern",
                text=f"Input {i}",
                anonymous=i % 2 == 0,
                themes=[theme],
            )
        visit = None
        for i in range(rows):
            at = school if i % 2 else School.objects.create(district=district, name=f"School {i}")
            visit = rounding_services.visit_start(school=at, by=superintendent, date=today)
            conversation = rounding_services.conversation_add(
                visit=visit, person=people[i], concerns="c", themes=[theme]
            )
            rounding_services.follow_up_create(
                school=at,
                by=superintendent,
                conversation=conversation,
                what=f"F{i}",
                owner=principal,
                due_on=today,
            )
            rounding_services.celebration_record(
                school=school, by=superintendent, person=people[i], what="w"
            )
        pair = make_pair(superintendent, principal, school)
        held = None
        for i in range(rows):
            held = CheckIn.objects.create(
                district=district,
                pair=pair,
                scheduled_at=now - datetime.timedelta(days=14 * (i + 1)),
                status="held",
                pulse=3,
            )
            principal_services.agenda_item_add(
                check_in=held, by=principal, kind="question", text=f"Q{i}"
            )
            ActionItem.objects.create(
                district=district, pair=pair, check_in=held, owner=principal, text=f"A{i}"
            )
        for i in range(rows):  # more principals for the supervisor's page
            other = make_person_in(district, "principal", f"P{i}", f"p{i}@cedar.example", [school])
            make_pair(superintendent, other, school, weekday=2, local_time=datetime.time(10))
        upcoming = CheckIn.objects.create(
            district=district, pair=pair, scheduled_at=now + datetime.timedelta(days=2)
        )
        return {
            "big": big,
            "school": school,
            "visit": RoundingVisit.objects.get(pk=visit.pk),
            "conversation": conversation,
            "person": people[-1],
            "held": held,
            "upcoming": upcoming,
            "theme": theme,
        }

    return build


def pages(data):
    return {
        "affects me": reverse("decisions:affects_me"),
        "decision list": reverse("decisions:list"),
        "decision page": data["big"].get_absolute_url(),
        "my input": reverse("decisions:my_input"),
        "district home": reverse("home"),
        "stoplight report": reverse("rounding:school", args=[data["school"].pk]),
        "rounding coverage": reverse("rounding:coverage"),
        "rounding visit page": reverse("rounding:visit", args=[data["visit"].pk]),
        "pre-visit briefing": reverse("rounding:briefing", args=[data["school"].pk]),
        "person's rounding history": reverse("rounding:person", args=[data["person"].pk]),
        "follow-up check": reverse(
            "rounding:conversation_follow_up", args=[data["conversation"].pk]
        ),
        "conversation edit": reverse("rounding:conversation_edit", args=[data["conversation"].pk]),
        "principals page": reverse("principals:index"),
        "check-in page": reverse("principals:check_in", args=[data["upcoming"].pk]),
        "held check-in page": reverse("principals:check_in", args=[data["held"].pk]),
        "district dashboard": reverse("insights:dashboard"),
        "school dashboard": reverse("insights:school", args=[data["school"].pk]),
        "journey": reverse("insights:journey"),
    }


# Who reads which page (a leader's page is a 404 for a teacher, which proves nothing here).
READERS = {
    "affects me": ["superintendent", "principal", "teacher"],
    "decision list": ["superintendent", "principal", "teacher"],
    "decision page": ["teacher"],
    "my input": ["superintendent", "principal", "teacher"],
    "district home": ["superintendent", "principal", "teacher"],
    "stoplight report": ["superintendent", "principal", "teacher"],
    "rounding coverage": ["superintendent"],
    "rounding visit page": ["superintendent"],
    "pre-visit briefing": ["superintendent"],
    "person's rounding history": ["superintendent"],
    "follow-up check": ["superintendent"],
    "conversation edit": ["superintendent"],
    "principals page": ["superintendent", "principal"],
    "check-in page": ["superintendent", "principal"],
    "held check-in page": ["superintendent", "principal"],
    "district dashboard": ["superintendent"],
    "school dashboard": ["superintendent", "principal"],
    "journey": ["principal"],  # the leaders' figures are counted in the trends test below
}


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize("page", list(READERS))
def test_key_page_stays_within_twelve_queries(
    rows, page, built, request, client, django_assert_max_num_queries
):
    data = built(rows)
    url = pages(data)[page]
    for persona in READERS[page]:
        client.force_login(request.getfixturevalue(persona))
        with django_assert_max_num_queries(BUDGET):
            response = client.get(url)
        assert response.status_code == 200, persona


@pytest.mark.parametrize("rows", [5, 50])
def test_decision_page_for_its_owning_team_stays_within_twelve_queries(
    rows, built, superintendent, client_for, django_assert_max_num_queries
):
    data = built(rows)
    client = client_for(superintendent)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(data["big"].get_absolute_url())
    assert response.status_code == 200
    # The newest page of input; the rest one "Show more" away.
    assert response.content.decode().count("Input ") >= min(rows, INPUT_PAGE_SIZE)
    assert ("Show more input" in response.content.decode()) == (rows > INPUT_PAGE_SIZE)


@pytest.mark.parametrize("rows", [5, 50])
def test_giving_input_stays_within_twelve_queries(
    rows, built, teacher, client_for, django_assert_max_num_queries
):
    data = built(rows)
    client = client_for(teacher)
    url = reverse("decisions:input", args=[data["big"].pk])
    with django_assert_max_num_queries(BUDGET):
        response = client.post(url, {"kind": "idea", "text": "Try it for a term."})
    assert response.status_code == 302
    assert data["big"].inputs.filter(author=teacher).exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_logging_a_conversation_stays_within_twelve_queries(
    rows, built, superintendent, client_for, django_assert_max_num_queries
):
    data = built(rows)
    client = client_for(superintendent)
    url = reverse("rounding:conversation_add", args=[data["visit"].pk])
    form = {
        "name": "Sam",
        "role_group": "cook",
        "working": "Breakfast is on time.",
        "themes": [data["theme"].pk],
    }
    with django_assert_max_num_queries(BUDGET):
        response = client.post(url, form)
    assert response.status_code == 302
    assert data["visit"].conversations.filter(name="Sam").exists()


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize("persona", ["superintendent", "principal"])
def test_dashboard_with_every_section_filled_stays_within_twelve_queries(
    rows, persona, built, request, client, django_assert_max_num_queries
):
    """Flags on every decision, a reflection due, overdue pairs: every section runs its query."""
    data = built(rows)
    today = timezone.localdate()
    Decision.objects.filter(district=data["school"].district).update(
        status="decided",
        decided_at=timezone.now(),
        review_on=today - datetime.timedelta(days=1),
        flag_codes=["no_rationale", "review_overdue"],
    )
    CheckInPair.objects.update(overdue_since=timezone.now())
    url = (
        reverse("insights:dashboard")
        if persona == "superintendent"
        else reverse("insights:school", args=[data["school"].pk])
    )
    client.force_login(request.getfixturevalue(persona))
    with django_assert_max_num_queries(BUDGET):
        response = client.get(url)
    assert response.status_code == 200
    assert "Flagged decisions by owning team" in response.content.decode()


TRENDS_PAGES = [
    ("insights:themes", {}),
    ("insights:themes", {"export": "months"}),
    ("insights:themes", {"school": "1", "source": "rounding", "months": "12"}),
    ("insights:participation", {}),
    ("insights:participation", {"export": "consulted"}),
    ("insights:health", {}),
    ("insights:health", {"export": "terms"}),
    ("insights:flow", {}),
    ("insights:flow", {"export": "flow"}),
    ("insights:bottlenecks", {}),
    ("insights:bottlenecks", {"export": "escalations"}),
    ("insights:journey", {}),
    ("insights:journey", {"export": "months"}),
    ("insights:journey_report", {}),
]


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize(("name", "query"), TRENDS_PAGES)
def test_trends_pages_stay_within_twelve_queries(
    rows, name, query, built, superintendent, client_for, django_assert_max_num_queries
):
    built(rows)
    cache.clear()  # the trends pages keep their figures a few minutes: count them here
    client = client_for(superintendent)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse(name), query)
    assert response.status_code == 200
