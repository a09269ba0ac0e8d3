"""Stored flag codes never drift from the live flags: every change goes through one refresh.

Each action starts from a decision whose stored codes are deliberately wrong, so the test
shows the action itself refreshed them (a stale list the action did not touch would fail).
"""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from decisions import notices, services
from decisions.integrity import integrity_flags
from decisions.models import Decision, DecisionRight, Involvement, Stakeholder, Status
from districts.models import GuidingPrinciple

from .conftest import admin_change_data, decided

pytestmark = pytest.mark.django_db

STALE = ["stale"]


def live_codes(decision) -> list[str]:
    decision = Decision.objects.get(pk=decision.pk)
    return sorted({flag.code for flag in integrity_flags(decision)})


def stored_codes(decision) -> list[str]:
    return Decision.objects.values_list("flag_codes", flat=True).get(pk=decision.pk)


def consulted(school):
    return {
        "kind": Stakeholder.Kind.ROLE,
        "role": "teacher",
        "school": school,
        "involvement": Involvement.CONSULTED,
    }


# ----- the actions, each from the state it needs; `ctx` holds the personas and fixtures


def add_stakeholder_in_the_app(ctx, decision):
    ctx.client_for(ctx.superintendent).post(
        reverse("decisions:stakeholder_add", args=[decision.pk]),
        {"involvement": "consulted", "kind": "person", "person": ctx.teacher.pk},
    )


def remove_stakeholder_in_the_app(ctx, decision):
    stakeholder = decision.stakeholders.get(involvement=Involvement.CONSULTED)
    ctx.client_for(ctx.superintendent).post(
        reverse("decisions:stakeholder_remove", args=[decision.pk, stakeholder.pk])
    )


def edit_fields(ctx, decision):
    services.decision_update(decision=decision, by=ctx.superintendent, rationale="")


def give_named_input(ctx, decision):
    services.input_give(decision=decision, by=ctx.teacher, kind="idea", text="Yes")


def give_anonymous_input(ctx, decision):
    services.input_give(decision=decision, by=ctx.teacher, kind="idea", text="Yes", anonymous=True)


def respond_to_input(ctx, decision):
    entry = services.input_give(decision=decision, by=ctx.teacher, kind="idea", text="Yes")
    decision = Decision.objects.get(pk=decision.pk)
    Decision.objects.filter(pk=decision.pk).update(flag_codes=STALE)
    entry.decision = Decision.objects.get(pk=decision.pk)
    services.input_respond(
        entry=entry, by=ctx.superintendent, response="Thanks", changed_decision=True
    )


def move(action):
    def act(ctx, decision):
        ctx.client_for(ctx.superintendent).post(
            reverse("decisions:move", args=[decision.pk]), {"action": action}
        )

    act.__name__ = action
    return act


def open_for_input(ctx, decision):
    now = timezone.now()
    ctx.client_for(ctx.superintendent).post(
        reverse("decisions:open", args=[decision.pk]),
        {
            "input_opens": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"),
            "input_closes": timezone.localtime(now + datetime.timedelta(days=3)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
        },
    )


def decide(ctx, decision):
    ctx.client_for(ctx.superintendent).post(
        reverse("decisions:decide", args=[decision.pk]), {"outcome": "Yes", "rationale": ""}
    )


def inform(ctx, decision):
    services.decision_inform(decision=decision, by=ctx.superintendent)


def reflect(ctx, decision):
    ctx.client_for(ctx.superintendent).post(
        reverse("decisions:reflect", args=[decision.pk]),
        {"what_happened": "It went fine.", "verdict": "keep"},
    )


def supersede(ctx, decision):
    newer = ctx.make_decision("A newer decision", status="deciding")
    ctx.client_for(ctx.superintendent).post(
        reverse("decisions:supersede", args=[decision.pk]), {"newer": newer.number}
    )
    assert Decision.objects.get(pk=decision.pk).status == Status.SUPERSEDED


def principle_tested(ctx, decision):
    principle = GuidingPrinciple.objects.create(district=ctx.district, title="Students first")
    services.principle_test(
        decision=decision, principle=principle, note="Holds.", by=ctx.superintendent
    )


def close_on_time(ctx, decision):
    with time_machine.travel(decision.input_closes + datetime.timedelta(minutes=5)):
        notices.dispatch_due()


def admin_change(change):
    def act(ctx, decision):
        client = ctx.client_for(ctx.admin_user)
        url = reverse("admin:decisions_decision_change", args=[decision.pk])
        data = admin_change_data(client.get(url))
        change(ctx, data)
        response = client.post(url, data)
        assert response.status_code == 302, response.context["errors"]

    act.__name__ = change.__name__
    return act


@admin_change
def admin_adds_a_stakeholder(ctx, data):
    index = int(data["stakeholders-TOTAL_FORMS"])
    data["stakeholders-TOTAL_FORMS"] = str(index + 1)
    data.update(
        {
            f"stakeholders-{index}-kind": "person",
            f"stakeholders-{index}-person": str(ctx.teacher.pk),
            f"stakeholders-{index}-involvement": "consulted",
            f"stakeholders-{index}-decision": data.get("stakeholders-0-decision", ""),
        }
    )


@admin_change
def admin_changes_a_stakeholder(ctx, data):
    for key, value in list(data.items()):
        if key.endswith("-involvement") and value == "consulted":
            data[key] = "informed"


@admin_change
def admin_removes_a_stakeholder(ctx, data):
    for key, value in list(data.items()):
        if key.endswith("-involvement") and value == "consulted":
            data[key.replace("-involvement", "-DELETE")] = "on"


@admin_change
def admin_changes_fields(ctx, data):
    data["rationale"] = ""


def admin_withdraws(ctx, decision):
    ctx.client_for(ctx.admin_user).post(
        reverse("admin:decisions_decision_changelist"),
        {"action": "withdraw", "_selected_action": [decision.pk]},
    )
    assert Decision.objects.get(pk=decision.pk).status == Status.WITHDRAWN


# (state to start from, action)
ACTIONS = [
    ("decided", add_stakeholder_in_the_app),
    ("decided with a consulted group", remove_stakeholder_in_the_app),
    ("decided", edit_fields),
    ("open", give_named_input),
    ("open", give_anonymous_input),
    ("open", respond_to_input),
    ("draft", open_for_input),
    ("open", move("close_input")),
    ("open", close_on_time),
    ("deciding", decide),
    ("decided", inform),
    ("decided", reflect),
    ("decided", move("implement")),
    ("decided", move("review")),
    ("reviewing with a reflection", move("close")),
    ("deciding", move("withdraw")),
    ("decided", supersede),
    ("decided", principle_tested),
    ("decided", admin_adds_a_stakeholder),
    ("decided with a consulted group", admin_changes_a_stakeholder),
    ("decided with a consulted group", admin_removes_a_stakeholder),
    ("decided", admin_changes_fields),
    ("deciding", admin_withdraws),
]


class Ctx:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


@pytest.fixture
def ctx(
    client_for,
    superintendent,
    teacher,
    admin_user,
    make_decision,
    district,
    school,
    window,
    rights,
):
    return Ctx(
        client_for=client_for,
        superintendent=superintendent,
        teacher=teacher,
        admin_user=admin_user,
        make_decision=make_decision,
        district=district,
        school=school,
        window=window,
    )


def start(ctx, state: str) -> Decision:
    stakeholders = [
        {"kind": Stakeholder.Kind.SCHOOL, "school": ctx.school, "involvement": "affected"}
    ]
    if state in ("open", "decided with a consulted group"):
        stakeholders.append(consulted(ctx.school))
    decision = ctx.make_decision(
        stakeholders=stakeholders, input_opens=ctx.window[0], input_closes=ctx.window[1]
    )
    if state != "draft":
        services.decision_open_input(decision=decision, by=ctx.superintendent)
    if state == "deciding":
        decision.close_input(by=ctx.superintendent)
    if state.startswith(("decided", "reviewing")):
        decided(decision, ctx.superintendent, rationale="Sleep matters.")
    if state == "reviewing with a reflection":
        services.reflection_add(
            decision=decision, by=ctx.superintendent, what_happened="Fine", verdict="keep"
        )
        decision.start_review(by=ctx.superintendent)
    Decision.objects.filter(pk=decision.pk).update(flag_codes=STALE)
    return Decision.objects.get(pk=decision.pk)


@pytest.mark.parametrize(
    ("state", "action"), ACTIONS, ids=[action.__name__ for _state, action in ACTIONS]
)
def test_stored_flags_equal_the_live_flags_after_every_change(ctx, state, action):
    decision = start(ctx, state)
    action(ctx, decision)
    assert stored_codes(decision) == live_codes(decision)


def test_adding_a_consulted_group_after_deciding_shows_in_the_flagged_list(ctx, client_for):
    decision = start(ctx, "decided")
    Decision.objects.filter(pk=decision.pk).update(flag_codes=live_codes(decision))
    add_stakeholder_in_the_app(ctx, decision)
    assert "consulted_not_heard" in stored_codes(decision)
    body = client_for(ctx.superintendent).get(reverse("decisions:flagged")).content.decode()
    assert decision.title in body


def test_giving_the_right_in_the_admin_clears_the_no_right_flag(
    make_decision,
    district,
    team,
    superintendent,
    admin_user,
    client_for,
    django_capture_on_commit_callbacks,
    mapped,
):
    decision = decided(make_decision(status="deciding"), superintendent)
    assert "no_right" in stored_codes(decision)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(
            reverse("admin:decisions_decisionright_add"),
            {
                "district": district.pk,
                "domain": decision.domain,
                "level": "district",
                "team": team.pk,
                "role": "",
                "authority": "decides",
                "note": "",
            },
        )
    assert response.status_code == 302
    assert "no_right" not in stored_codes(decision)
    assert stored_codes(decision) == live_codes(decision)


def test_taking_the_right_away_in_the_admin_raises_the_no_right_flag(
    ctx, admin_user, client_for, django_capture_on_commit_callbacks, mapped
):
    decision = start(ctx, "decided")
    Decision.objects.filter(pk=decision.pk).update(flag_codes=live_codes(decision))
    assert "no_right" not in stored_codes(decision)
    right = DecisionRight.objects.get(district=ctx.district, domain=decision.domain)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(
            reverse("admin:decisions_decisionright_delete", args=[right.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert "no_right" in stored_codes(decision)
    assert stored_codes(decision) == live_codes(decision)
