import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import services
from decisions.models import Decision, DecisionRight, Status

from .conftest import decided, wizard_data

pytestmark = pytest.mark.django_db

PERSONAS = ["superintendent", "principal", "teacher", "community_member"]


@pytest.fixture
def pages(open_decision, district):
    return [
        reverse("decisions:list"),
        reverse("decisions:affects_me"),
        reverse("decisions:flagged"),
        reverse("decisions:rights"),
        reverse("decisions:export"),
        reverse("decisions:public", args=[district.slug]),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_opens_for_every_role(request, persona, pages, client_for):
    client = client_for(request.getfixturevalue(persona))
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_signed_out_visitors_are_sent_to_sign_in_except_the_public_page(client, pages):
    for url in pages[:-1]:
        response = client.get(url)
        assert response.status_code == 302, url
    assert client.get(pages[-1]).status_code == 200


def test_decision_page_shows_everything_for_the_team(open_decision, superintendent, client_for):
    body = client_for(superintendent).get(open_decision.get_absolute_url()).content.decode()
    for text in (
        "Context",
        "Who is involved",
        "Input",
        "Impact",
        "History",
        "Open for input",
        "Teachers at Alder Creek Elementary",
        "closes in",
        "Record the decision",
    ):
        assert text in body, text


def test_teacher_sees_time_left_and_the_input_form_but_no_decide_button(
    open_decision, teacher, client_for
):
    body = client_for(teacher).get(open_decision.get_absolute_url()).content.decode()
    assert "closes in" in body
    assert "Give this anonymously" in body
    assert "Record the decision" not in body


def test_teacher_cannot_decide_edit_or_move_a_decision(open_decision, teacher, client_for):
    client = client_for(teacher)
    assert client.get(reverse("decisions:decide", args=[open_decision.pk])).status_code == 403
    assert (
        client.post(
            reverse("decisions:decide", args=[open_decision.pk]), {"outcome": "Mine"}
        ).status_code
        == 403
    )
    assert client.get(reverse("decisions:edit", args=[open_decision.pk])).status_code == 403
    assert (
        client.post(
            reverse("decisions:move", args=[open_decision.pk]), {"action": "withdraw"}
        ).status_code
        == 403
    )
    open_decision.refresh_from_db()
    assert open_decision.status == Status.OPEN_FOR_INPUT and open_decision.outcome == ""


def test_principal_records_the_outcome_through_the_page(open_decision, principal, client_for):
    client = client_for(principal)
    response = client.post(
        reverse("decisions:decide", args=[open_decision.pk]), {"outcome": "", "rationale": "r"}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    response = client.post(
        reverse("decisions:decide", args=[open_decision.pk]),
        {"outcome": "Start at 8:45", "rationale": "Sleep"},
    )
    assert response.status_code == 302
    open_decision.refresh_from_db()
    assert open_decision.status == Status.DECIDED and open_decision.decided_by == principal


def test_a_refused_transition_is_explained_not_an_error(open_decision, superintendent, client_for):
    client = client_for(superintendent)
    response = client.post(
        reverse("decisions:move", args=[open_decision.pk]), {"action": "close"}, follow=True
    )
    assert response.status_code == 200
    assert "Only a decision under review can be closed" in response.content.decode()


def test_unknown_action_is_refused(open_decision, superintendent, client_for):
    response = client_for(superintendent).post(
        reverse("decisions:move", args=[open_decision.pk]), {"action": "explode"}
    )
    assert response.status_code == 403


def test_named_input_without_htmx_redirects_and_shows_the_name(open_decision, teacher, client_for):
    client = client_for(teacher)
    response = client.post(
        reverse("decisions:input", args=[open_decision.pk]), {"kind": "idea", "text": "Stagger it"}
    )
    assert response.status_code == 302
    body = client.get(open_decision.get_absolute_url()).content.decode()
    assert "Stagger it" in body and "Charlie Ramos" in body


def test_empty_input_keeps_the_page_and_explains(open_decision, teacher, client_for):
    response = client_for(teacher).post(
        reverse("decisions:input", args=[open_decision.pk]), {"kind": "idea", "text": ""}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_input_after_the_window_is_refused_with_a_message(
    open_decision, teacher, superintendent, client_for
):
    open_decision.close_input(by=superintendent)
    response = client_for(teacher).post(
        reverse("decisions:input", args=[open_decision.pk]),
        {"kind": "idea", "text": "late"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "input window is not open" in response.content.decode()
    assert not open_decision.inputs.exists()


def test_deciders_answer_an_objection_and_mark_the_loopback(
    open_decision, teacher, superintendent, client_for
):
    entry = services.input_give(decision=open_decision, by=teacher, kind="objection", text="No")
    client = client_for(superintendent)
    client.post(
        reverse("decisions:respond", args=[open_decision.pk, entry.pk]),
        {"response": "We moved it to 8:30", "changed_decision": "on"},
    )
    entry.refresh_from_db()
    assert entry.changed_decision and entry.response == "We moved it to 8:30"
    body = client_for(teacher).get(open_decision.get_absolute_url()).content.decode()
    assert "Changed the decision" in body and "We moved it to 8:30" in body


def test_teacher_cannot_answer_input(open_decision, teacher, client_for):
    entry = services.input_give(decision=open_decision, by=teacher, kind="objection", text="No")
    response = client_for(teacher).post(
        reverse("decisions:respond", args=[open_decision.pk, entry.pk]), {"response": "hm"}
    )
    assert response.status_code == 403


def test_guided_form_keeps_everything_typed_between_steps(superintendent, client_for):
    client = client_for(superintendent)
    response = client.post(
        reverse("decisions:create"), wizard_data(goto="1"), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Four-day week pilot"' in body  # carried as a hidden field
    assert "How it will be decided" in body
    assert "<html" not in body


def test_guided_form_errors_keep_what_was_typed_and_jump_to_the_step(superintendent, client_for):
    client = client_for(superintendent)
    response = client.post(
        reverse("decisions:create"),
        wizard_data(
            title="",
            budget_amount="-5",
            input_opens="2026-12-10T10:00",
            input_closes="2026-12-01T10:00",
            save="2",
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "What needs deciding" in body
    assert "Families asked for it." in body
    assert Decision.objects.count() == 0


def test_guided_form_rejects_nonsense_without_a_500(superintendent, client_for):
    response = client_for(superintendent).post(
        reverse("decisions:create"),
        wizard_data(
            school="abc", owning_team="99999", input_opens="yesterday", goto="zz", save="1"
        ),
    )
    assert response.status_code == 200


def test_creating_suggests_stakeholders_from_the_rights_map(
    superintendent, client_for, district, team, school
):
    DecisionRight.objects.create(
        district=district, domain="budget", level="school", role="principal", authority="decides"
    )
    client = client_for(superintendent)
    response = client.post(
        reverse("decisions:create"),
        wizard_data(domain="budget", school=str(school.pk), owning_team=str(team.pk), goto="3"),
    )
    body = response.content.decode()
    assert "Principals at Alder Creek Elementary (decides, from the rights map)" in body
    assert f"Everyone at {school.name} (affected)" in body
    response = client.post(
        reverse("decisions:create"),
        wizard_data(
            domain="budget",
            school=str(school.pk),
            owning_team=str(team.pk),
            suggested=[f"role:principal:{school.pk}:decides", f"school:{school.pk}:affected"],
            save="3",
        ),
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.status == Status.DRAFT
    assert decision.created_by == superintendent
    kinds = sorted(decision.stakeholders.values_list("kind", "involvement"))
    assert kinds == [("role", "decides"), ("school", "affected")]


def test_community_member_cannot_start_a_decision(community_member, client_for):
    assert client_for(community_member).get(reverse("decisions:create")).status_code == 403


def test_edit_after_draft_goes_into_the_history_shown_as_a_timeline(
    open_decision, superintendent, client_for
):
    client = client_for(superintendent)
    response = client.post(
        reverse("decisions:edit", args=[open_decision.pk]),
        wizard_data(
            title="Start at 8:45 for middle schools",
            context=open_decision.context,
            owning_team=str(open_decision.owning_team_id),
            input_opens=open_decision.input_opens.strftime("%Y-%m-%dT%H:%M"),
            input_closes=open_decision.input_closes.strftime("%Y-%m-%dT%H:%M"),
            save="0",
        ),
    )
    assert response.status_code == 302
    body = client.get(open_decision.get_absolute_url()).content.decode()
    assert "Title changed" in body
    assert "Later start for the middle schools" in body


def test_open_for_input_through_the_page(make_decision, superintendent, client_for):
    decision = make_decision()
    client = client_for(superintendent)
    now = timezone.localtime()
    response = client.post(
        reverse("decisions:open", args=[decision.pk]),
        {"input_opens": now.strftime("%Y-%m-%dT%H:%M"), "input_closes": "not a date"},
    )
    assert response.status_code == 200
    response = client.post(
        reverse("decisions:open", args=[decision.pk]),
        {
            "input_opens": now.strftime("%Y-%m-%dT%H:%M"),
            "input_closes": (now + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == Status.OPEN_FOR_INPUT


def test_add_and_remove_a_stakeholder(make_decision, superintendent, teacher, client_for):
    decision = make_decision()
    client = client_for(superintendent)
    client.post(
        reverse("decisions:stakeholder_add", args=[decision.pk]),
        {"kind": "person", "person": teacher.pk, "involvement": "consulted"},
    )
    stakeholder = decision.stakeholders.get()
    assert stakeholder.person == teacher
    client.post(reverse("decisions:stakeholder_remove", args=[decision.pk, stakeholder.pk]))
    assert not decision.stakeholders.exists()


def test_stakeholder_from_another_district_cannot_be_added(
    make_decision, superintendent, outsider, client_for
):
    decision = make_decision()
    client_for(superintendent).post(
        reverse("decisions:stakeholder_add", args=[decision.pk]),
        {"kind": "person", "person": outsider.pk, "involvement": "consulted"},
    )
    assert not decision.stakeholders.exists()


def test_reflection_and_supersede_through_the_pages(
    open_decision, make_decision, superintendent, client_for
):
    decided(open_decision, superintendent)
    newer = make_decision("Later start, second year")
    client = client_for(superintendent)
    response = client.post(
        reverse("decisions:reflect", args=[open_decision.pk]),
        {"what_happened": "Attendance rose", "verdict": "supersede"},
    )
    assert response.status_code == 302
    client.post(reverse("decisions:supersede", args=[open_decision.pk]), {"newer": newer.number})
    open_decision.refresh_from_db()
    assert open_decision.status == Status.SUPERSEDED
    body = client.get(open_decision.get_absolute_url()).content.decode()
    assert "Superseded by" in body and newer.number in body
    assert open_decision.number in client.get(newer.get_absolute_url()).content.decode()


def test_search_finds_words_in_the_outcome(
    open_decision, make_decision, superintendent, client_for
):
    decided(open_decision, superintendent, outcome="Buses leave at eight fifteen")
    make_decision("Library hours", status="deciding")
    body = (
        client_for(superintendent).get(reverse("decisions:list"), {"q": "fifteen"}).content.decode()
    )
    assert open_decision.title in body
    assert "Library hours" not in body


def test_filters_with_bad_values_do_not_fail(open_decision, superintendent, client_for):
    client = client_for(superintendent)
    for query in (
        {"status": "nope"},
        {"school": "x"},
        {"team": "-1"},
        {"page": "9999"},
        {"page": "x"},
    ):
        assert client.get(reverse("decisions:list"), query).status_code == 200
        assert client.get(reverse("decisions:affects_me"), query).status_code == 200


def test_bad_input_id_is_404(open_decision, superintendent, client_for):
    url = f"/decisions/{open_decision.pk}/input/not-a-uuid/respond/"
    assert client_for(superintendent).post(url).status_code == 404


def test_affects_me_lists_open_windows_first_with_time_left(
    open_decision, make_decision, superintendent, teacher, school, client_for
):
    done = make_decision(
        "Recess bells",
        status="deciding",
        stakeholders=[{"kind": "school", "school": school, "involvement": "affected"}],
    )
    decided(done, superintendent)
    not_mine = make_decision("Board calendar", status="deciding")
    body = client_for(teacher).get(reverse("decisions:affects_me")).content.decode()
    assert body.index(open_decision.title) < body.index("Recess bells")
    assert "Input closes in" in body
    assert not_mine.title not in body


def test_csv_export_lists_decisions(open_decision, superintendent, client_for):
    response = client_for(superintendent).get(reverse("decisions:export"))
    assert response["Content-Type"].startswith("text/csv")
    assert open_decision.number in response.content.decode()


def test_csv_export_quotes_text_a_spreadsheet_would_run(make_decision, superintendent, client_for):
    make_decision('=HYPERLINK("http://evil.example","Open")')
    rows = list(
        csv.reader(
            io.StringIO(
                client_for(superintendent).get(reverse("decisions:export")).content.decode()
            )
        )
    )
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","Open")'


def test_rights_map_lists_who_decides(rights, teacher, client_for):
    body = client_for(teacher).get(reverse("decisions:rights")).content.decode()
    assert "District leadership team" in body and "Decides" in body
