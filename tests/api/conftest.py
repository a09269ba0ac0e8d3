"""A small Cedar Valley and Harbor Point for the API, and a way to call it with a token."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from api.models import ApiToken
from decisions import services as decision_services
from decisions.models import Involvement, Stakeholder, Visibility
from districts.models import Theme
from principals import services as principal_services
from principals.models import CheckIn
from rounding import services as rounding_services

API = "/api/v1"
CONCERN = "The kitchen has no second oven"
PRIVATE = "I worry about my own burnout"
SHARED = "We agreed on a reading plan"
ANONYMOUS = "The late bus is unsafe in winter"


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Each test starts with no requests counted against its tokens."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def token_for(db):
    def make(user, name="Reports") -> str:
        return ApiToken.issue(user=user, name=name)[1]

    return make


@pytest.fixture
def api_as(client, token_for):
    """`api_as(teacher)("/decisions", status="open_for_input")`: a GET with the teacher's token."""

    def for_user(user):
        secret = token_for(user)

        def get(path, **params):
            return client.get(f"{API}{path}", params, HTTP_AUTHORIZATION=f"Bearer {secret}")

        return get

    return for_user


@pytest.fixture
def world(
    district,
    other_district,
    school,
    other_school,
    team,
    other_team,
    superintendent,
    principal,
    teacher,
    community_member,
    outsider,
    make_pair,
):
    """One of each row the API shows, in Cedar Valley and in Harbor Point."""
    now = timezone.now()
    today = timezone.localdate(timezone=ZoneInfo(district.timezone))
    theme = Theme.objects.create(district=district, name="Transport")
    window = {
        "input_opens": now - datetime.timedelta(days=1),
        "input_closes": now + datetime.timedelta(days=5),
    }
    decision = decision_services.decision_create(
        district=district,
        by=superintendent,
        title="Later start for the middle schools",
        context="Buses, sleep and first period.",
        owning_team=team,
        domain="schedule",
        process_type="consent",
        visibility=Visibility.DISTRICT,
        stakeholders=[
            {
                "kind": Stakeholder.Kind.SCHOOL,
                "school": school,
                "involvement": Involvement.AFFECTED,
            }
        ],
        **window,
    )
    decision_services.decision_open_input(decision=decision, by=superintendent)
    anonymous = decision_services.input_give(
        decision=decision, by=teacher, kind="concern", text=ANONYMOUS, anonymous=True
    )
    named = decision_services.input_give(
        decision=decision, by=principal, kind="support", text="Yes, please", themes=[theme]
    )
    public = decision_services.decision_create(
        district=district,
        by=superintendent,
        title="A new playground",
        context="The old one is worn out.",
        owning_team=team,
        process_type="consent",
        visibility=Visibility.PUBLIC,
        **window,
    )
    decision_services.decision_open_input(decision=public, by=superintendent)
    draft = decision_services.decision_create(
        district=district,
        by=superintendent,
        title="A draft for the team only",
        context="Not yet.",
        owning_team=team,
        process_type="consent",
    )
    visit = rounding_services.visit_start(school=school, by=superintendent, date=today)
    conversation = rounding_services.conversation_add(
        visit=visit, person=teacher, concerns=CONCERN, themes=[theme]
    )
    follow_up = rounding_services.follow_up_create(
        school=school,
        by=superintendent,
        conversation=conversation,
        what="Order a second oven",
        heard="Cooking capacity",
        owner=principal,
        due_on=today,
    )
    pair = make_pair(superintendent, principal, school)
    check_in = CheckIn.objects.create(
        district=district,
        pair=pair,
        scheduled_at=now - datetime.timedelta(days=7),
        status="held",
    )
    principal_services.check_in_record(
        check_in=check_in, shared_notes=SHARED, pulse=4, reflection="Good"
    )
    principal_services.private_note_save(check_in=check_in, author=principal, text=PRIVATE)
    principal_services.private_note_save(
        check_in=check_in, author=superintendent, text=PRIVATE + " (supervisor)"
    )

    # Harbor Point: the same kinds of rows, which Cedar Valley never sees.
    other_today = timezone.localdate(timezone=ZoneInfo(other_district.timezone))
    elsewhere = decision_services.decision_create(
        district=other_district,
        by=outsider,
        title="Harbor ferry schedule",
        context="Tides.",
        owning_team=other_team,
        process_type="consent",
        visibility=Visibility.PUBLIC,
        **window,
    )
    decision_services.decision_open_input(decision=elsewhere, by=outsider)
    other_visit = rounding_services.visit_start(school=other_school, by=outsider, date=other_today)
    rounding_services.conversation_add(
        visit=other_visit, name="Sam", role_group="cook", concerns="x"
    )
    other_follow_up = rounding_services.follow_up_create(
        school=other_school, by=outsider, what="Fix the dock", owner=outsider, due_on=other_today
    )
    return {
        "decision": decision,
        "public": public,
        "draft": draft,
        "anonymous": anonymous,
        "named": named,
        "visit": visit,
        "conversation": conversation,
        "follow_up": follow_up,
        "pair": pair,
        "check_in": check_in,
        "theme": theme,
        "elsewhere": elsewhere,
        "other_visit": other_visit,
        "other_follow_up": other_follow_up,
    }
