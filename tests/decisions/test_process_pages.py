"""What each process looks like on the decision page and the decide form."""

import re

import pytest
from django.urls import reverse

from decisions import services
from decisions.models import Decision, Involvement, Stakeholder

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(make_decision, school, superintendent, window):
    def make(process_type, **fields):
        decision = make_decision(
            process_type=process_type,
            stakeholders=[
                {
                    "kind": Stakeholder.Kind.ROLE,
                    "role": "teacher",
                    "school": school,
                    "involvement": Involvement.CONSULTED,
                },
                {"kind": Stakeholder.Kind.SCHOOL, "school": school, "involvement": "affected"},
            ],
            input_opens=window[0],
            input_closes=window[1],
            **fields,
        )
        services.decision_open_input(decision=decision, by=superintendent)
        decision.refresh_from_db()
        return decision

    return make


def page(client, decision) -> str:
    return client.get(decision.get_absolute_url()).content.decode()


def test_the_panel_says_how_who_the_readers_role_and_when(opened, teacher, principal, client_for):
    decision = opened("advice", decider=principal)
    body = page(client_for(teacher), decision)
    assert "How this decision is made" in body
    assert "Advice: one named person decides" in body
    assert "Principal Pat" in body or principal.name in body
    assert "You are consulted: your input is asked for." in body
    assert "Now, until" in body
    assert "Waiting for your input." in body
    # "Give input" comes before the deciders' buttons, and a teacher has none of those.
    assert body.index("Give input") < body.index('id="your-input"')
    assert "Record the decision" not in body


def test_give_input_comes_before_the_deciders_buttons(opened, superintendent, client_for):
    decision = opened("consent")
    body = page(client_for(superintendent), decision)
    assert "You are one of the deciders." in body
    assert body.index(">Give input<") < body.index("Record the decision")


def test_each_process_explains_itself(opened, make_decision, teacher, client_for, principal):
    client = client_for(teacher)
    expectations = {
        "consent": "reasoned objection",
        "consensus": "agree, stand aside or block",
        "consultative": "write down what they heard",
    }
    for process, words in expectations.items():
        assert words in page(client, opened(process))
    vote = opened("vote", options="A\nB")
    assert "Results stay hidden" in page(client, vote)
    delegated = opened("delegated", decider=principal, decider_bounds="Only the bell times.")
    body = page(client, delegated)
    assert "Only the bell times." in body and "the delegate" in body


def test_responding_clears_waiting_for_your_input(opened, teacher, client_for):
    decision = opened("consent")
    client = client_for(teacher)
    assert "Waiting for your input." in page(client, decision)
    services.input_give(decision=decision, by=teacher, kind="consent", text="Fine by me.")
    assert "Waiting for your input." not in page(client, decision)


def test_the_vote_on_the_page_hides_results_until_the_close(
    opened, teacher, superintendent, make_person_in, district, school, client_for
):
    decision = opened("vote", options="Tuesday\nThursday")
    client = client_for(teacher)
    body = page(client, decision)
    assert "Cast my ballot" in body and "0 ballots cast so far" in body
    response = client.post(reverse("decisions:vote", args=[decision.pk]), {"option": "Thursday"})
    assert response.status_code == 302
    others = [
        make_person_in(district, "teacher", f"Zed {i}", f"z{i}@cedar.example", [school])
        for i in range(2)
    ]
    for other in others:
        services.vote_cast(decision=decision, by=other, option="Tuesday")
    body = page(client, decision)
    assert "Your ballot is cast." in body and "3 ballots cast so far" in body
    assert "Cast my ballot" not in body and "The tally" not in body
    assert "Who took part" not in body
    decision.close_input(by=superintendent)
    body = page(client, decision)
    assert re.search(r"Tuesday</td><td>2<", body) and re.search(r"Thursday</td><td>1<", body)
    took_part = re.search(r"Who took part \(3\)</h3>\s*<p>([^<]*)</p>", body).group(1)
    assert took_part == ", ".join(sorted([teacher.name, *(o.name for o in others)]))


def test_objection_shows_as_standing_and_the_facilitator_resolves_it_from_the_page(
    opened, teacher, superintendent, client_for
):
    decision = opened("consent")
    entry = services.input_give(decision=decision, by=teacher, kind="objection", text="Buses.")
    assert "Withdraw my objection" in page(client_for(teacher), decision)
    client = client_for(superintendent)
    body = page(client, decision)
    assert "Stands: it stops the decision" in body and "Withdraw my objection" not in body
    url = reverse("decisions:resolve", args=[decision.pk, entry.pk])
    client.post(url, {"resolution": "not_paramount", "note": ""})
    entry.refresh_from_db()
    assert entry.resolution == ""
    client.post(url, {"resolution": "amended", "note": "Buses leave 10 minutes later."})
    entry.refresh_from_db()
    assert entry.resolution == "amended"
    assert "Buses leave 10 minutes later." in page(client, decision)


def test_the_author_of_an_anonymous_objection_withdraws_it_from_the_page(
    opened, teacher, principal, client_for
):
    decision = opened("consent")
    entry = services.input_give(
        decision=decision, by=teacher, kind="objection", text="Buses.", anonymous=True
    )
    assert "Withdraw my objection" not in page(client_for(principal), decision)
    client = client_for(teacher)
    assert "Withdraw my objection" in page(client, decision)
    client.post(
        reverse("decisions:resolve", args=[decision.pk, entry.pk]), {"resolution": "withdrawn"}
    )
    entry.refresh_from_db()
    assert entry.resolution == "withdrawn"


def test_someone_else_cannot_rule_or_withdraw(opened, teacher, community_member, client_for):
    decision = opened("consent")
    entry = services.input_give(decision=decision, by=teacher, kind="objection", text="Buses.")
    client = client_for(teacher)
    url = reverse("decisions:resolve", args=[decision.pk, entry.pk])
    assert client.post(url, {"resolution": "not_paramount", "note": "x"}).status_code == 403


def test_another_districts_decision_is_a_404_for_every_process_step(
    other_decision, client_for, teacher
):
    client = client_for(teacher)
    for name in ("vote", "process_change"):
        assert (
            client.post(reverse(f"decisions:{name}", args=[other_decision.pk])).status_code == 404
        )


def test_the_decide_form_shows_what_to_decide_with(opened, teacher, superintendent, client_for):
    decision = opened("consent", options="Start at 8:45\nStay at 8:15")
    services.input_give(decision=decision, by=teacher, kind="consent", text="Fine by me.")
    services.input_give(decision=decision, by=teacher, kind="objection", text="Buses clash.")
    decision.close_input(by=superintendent)
    body = client_for(superintendent).get(reverse("decisions:decide", args=[decision.pk]))
    body = body.content.decode()
    assert "What to decide with" in body
    assert body.index("Objection (still standing)") < body.index("Consent (1)")
    assert "Start at 8:45" in body and "Principles tested" in body and "Review date" in body
    assert "objection still stands" in body


def test_the_consultative_decide_form_asks_what_was_heard(opened, superintendent, client_for):
    decision = opened("consultative")
    decision.close_input(by=superintendent)
    client = client_for(superintendent)
    url = reverse("decisions:decide", args=[decision.pk])
    response = client.post(url, {"outcome": "Go.", "rationale": "r", "heard": ""})
    assert response.status_code == 200 and "What we heard" in response.content.decode()
    client.post(url, {"outcome": "Go.", "rationale": "r", "heard": "Families want it."})
    assert Decision.objects.get(pk=decision.pk).status == "decided"


def test_form_ids_on_the_decision_page_are_unique(opened, superintendent, client_for):
    body = page(client_for(superintendent), opened("consent"))
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_remove_asks_before_it_acts(opened, superintendent, client_for):
    body = page(client_for(superintendent), opened("consent"))
    assert "from this decision?" in body and "Yes, remove" in body
    assert re.search(r"<details class=\"confirm\"><summary[^>]*>Remove</summary>", body)


def test_the_guided_form_names_the_decider_and_checks_a_votes_options(superintendent, client_for):
    from .conftest import wizard_data

    client = client_for(superintendent)
    url = reverse("decisions:create")
    response = client.post(
        url, {**wizard_data(process_type="vote", options="Only one"), "save": "1"}
    )
    assert response.status_code == 200
    assert "at least two options" in response.content.decode()
    data = wizard_data(process_type="advice", decider=str(superintendent.pk))
    assert client.post(url, {**data, "save": "1"}).status_code == 302
    assert Decision.objects.get(title="Four-day week pilot").decider_id == superintendent.pk


def test_the_page_says_who_holds_the_right_or_that_there_is_no_map(
    opened, teacher, client_for, rights, team
):
    decision = opened("consent")
    body = page(client_for(teacher), decision)
    assert f"the right to decide schedule and calendar at district level to: {team.name}" in body
    rights.delete()
    assert "No decision rights are mapped yet" in page(client_for(teacher), decision)


@pytest.mark.parametrize("process", ["consent", "vote", "advice"])
def test_a_decided_decision_page_stays_within_its_query_budget(
    process,
    opened,
    teacher,
    superintendent,
    make_person_in,
    district,
    school,
    client_for,
    rights,
    django_assert_max_num_queries,
):
    decision = opened(process, options="A\nB", decider=superintendent)
    for i in range(4):
        person = make_person_in(district, "teacher", f"T{i}", f"t{i}@cedar.example", [school])
        if process == "vote":
            services.vote_cast(decision=decision, by=person, option="A")
        else:
            entry = services.input_give(
                decision=decision, by=person, kind="concern", text=f"C{i}", anonymous=i % 2 == 0
            )
            services.input_respond(
                entry=entry, by=superintendent, response="Yes.", changed_decision=False
            )
    decision.close_input(by=superintendent)
    services.decision_decide(decision=decision, by=superintendent, outcome="A.", rationale="r")
    services.reflection_add(
        decision=decision, by=superintendent, what_happened="Fine.", verdict="keep"
    )
    client = client_for(superintendent)
    # The key-page budget of 12; a closed vote reads the count kept at its close.
    with django_assert_max_num_queries(12):
        assert client.get(decision.get_absolute_url()).status_code == 200


def test_an_answer_too_long_is_refused_on_its_own_page_and_kept(
    opened, teacher, superintendent, client_for
):
    decision = opened("advice", decider=superintendent)
    entry = services.input_give(decision=decision, by=teacher, kind="advice", text="Wait a term.")
    answer = "We will think about it. " * 1000  # past the bound of a text box
    response = client_for(superintendent).post(
        reverse("decisions:respond", args=[decision.pk, entry.pk]), {"response": answer}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Answer the input</h1>" in body
    assert "At most" in body and answer.strip()[:200] in body
    entry.refresh_from_db()
    assert entry.response == ""


def test_a_ruling_without_a_reason_is_asked_for_it_and_keeps_the_choice(
    opened, teacher, superintendent, client_for
):
    decision = opened("consent")
    entry = services.input_give(decision=decision, by=teacher, kind="objection", text="No.")
    response = client_for(superintendent).post(
        reverse("decisions:resolve", args=[decision.pk, entry.pk]),
        {"resolution": "not_paramount", "note": ""},
    )
    body = response.content.decode()
    assert "<h1>Rule on the objection</h1>" in body
    assert "why it is not paramount" in body
    assert re.search(r'value="not_paramount"[^>]*(checked|selected)', body)
    entry.refresh_from_db()
    assert entry.stands


def test_who_decides_names_the_owning_team_once(make_decision, team, superintendent, client_for):
    decision = make_decision(
        process_type="consent",
        owning_team=team,
        stakeholders=[{"kind": Stakeholder.Kind.TEAM, "team": team, "involvement": "decides"}],
    )
    body = page(client_for(superintendent), decision)
    who = re.search(r"<dt>Who decides</dt><dd>(.*?)<br>", body, re.S).group(1)
    assert who.count(team.name) == 1
