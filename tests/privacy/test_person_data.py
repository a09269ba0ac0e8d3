"""A person's data: one zip with what is listed, their anonymous input only in their own."""

import datetime
import io
import json
import zipfile

import pytest
from django.urls import reverse

from decisions.models import Ballot, Input
from decisions.models.related import anonymous_key
from districts.models import AuditEntry
from notifications.models import Notification
from principals.models import CheckIn, PrivateNote
from rounding.models import Conversation, RoundingVisit

SECRET = "The bus plan ignores the night shift"
NAMED = "Start at 8:30 instead"


def unzip(response) -> tuple[dict, str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return json.loads(archive.read("data.json")), archive.read("index.html").decode()


@pytest.fixture
def history(district, school, decision_at, teacher, principal, superintendent, make_pair):
    decision = decision_at(school)
    Input.objects.create(
        district=district, decision=decision, kind="concern", text=SECRET, is_anonymous=True,
        anonymous_key=anonymous_key(decision.pk, teacher.pk),
    )  # fmt: skip
    Input.objects.create(
        district=district, decision=decision, kind="support", text=NAMED, author=teacher
    )
    Input.objects.create(
        district=district, decision=decision, kind="support", text="Principal's own words",
        author=principal,
    )  # fmt: skip
    Ballot.objects.create(district=district, decision=decision, option="Option B", voter=teacher)
    visit = RoundingVisit.objects.create(
        district=district, school=school, date=datetime.date(2026, 10, 1)
    )
    visit.visitors.add(superintendent)
    Conversation.objects.create(
        district=district, visit=visit, person=teacher, role_group="teacher",
        concerns="The copier is always broken",
    )  # fmt: skip
    Conversation.objects.create(
        district=district, visit=visit, name="Kim", role_group="cook",
        concerns="A cook's own worry",
    )  # fmt: skip
    Notification.objects.create(
        district=district, recipient=teacher, kind="t", subject="Your input was answered"
    )
    pair = make_pair(superintendent, principal, school)
    check_in = CheckIn.objects.create(
        district=district, pair=pair, scheduled_at=datetime.datetime(2026, 10, 6, 14, tzinfo=datetime.UTC),
        shared_notes="We agreed on the bus plan",
    )  # fmt: skip
    PrivateNote.objects.create(
        check_in=check_in, author=principal, text="Principal's private worry"
    )
    PrivateNote.objects.create(
        check_in=check_in, author=superintendent, text="Supervisor's private worry"
    )
    return decision


def test_my_download_holds_my_roster_input_ballots_conversations_and_notices(
    client_for, teacher, history
):
    data, html = unzip(client_for(teacher).get(reverse("privacy:my_data")))
    assert data["roster"]["email"] == "charlie@cedar.example"
    assert [item["text"] for item in data["named_input"]] == [NAMED]
    assert [item["text"] for item in data["anonymous_input"]] == [SECRET]
    assert data["named_ballots"] == [{"decision": history.number, "choice": "Option B"}]
    assert [c["concerns"] for c in data["rounding_conversations_with_them"]] == [
        "The copier is always broken"
    ]
    assert [n["subject"] for n in data["notices"]] == ["Your input was answered"]
    assert [d["number"] for d in data["decisions"]] == [history.number]
    assert SECRET in html and "Download" not in html.split("<body>")[0]


def test_my_download_never_holds_another_persons_words(client_for, teacher, history):
    _data, html = unzip(client_for(teacher).get(reverse("privacy:my_data")))
    raw = html + json.dumps(_data)
    for theirs in ("Principal's own words", "A cook's own worry", "private worry"):
        assert theirs not in raw


def test_a_principal_gets_their_own_private_notes_and_never_the_supervisors(
    client_for, principal, history
):
    data, html = unzip(client_for(principal).get(reverse("privacy:my_data")))
    [check_in] = data["check_ins"]
    assert check_in["my_private_notes"] == "Principal's private worry"
    assert check_in["shared_notes"] == "We agreed on the bus plan"
    assert "Supervisor's private worry" not in html + json.dumps(data)


def test_a_visitor_gets_their_visits_but_not_the_words_of_the_people_they_met(
    client_for, superintendent, history
):
    data, _html = unzip(client_for(superintendent).get(reverse("privacy:my_data")))
    assert [v["conversations"] for v in data["rounding_visits_made"]] == [2]
    assert "copier" not in json.dumps(data) and "cook's own worry" not in json.dumps(data)


def test_an_administrators_download_for_a_request_never_holds_anonymous_input(
    client_for, superintendent, teacher, history
):
    superintendent.is_district_admin = True
    superintendent.save()
    response = client_for(superintendent).get(reverse("privacy:person_data", args=[teacher.pk]))
    data, html = unzip(response)
    assert [item["text"] for item in data["named_input"]] == [NAMED]
    assert "anonymous_input" not in data
    assert SECRET not in html + json.dumps(data) + response.content.decode("latin-1")
    assert AuditEntry.objects.filter(object_id=str(teacher.pk), changes__contains="data").exists()


def test_an_administrators_download_never_holds_private_notes(
    client_for, superintendent, principal, history
):
    superintendent.is_district_admin = True
    superintendent.save()
    response = client_for(superintendent).get(reverse("privacy:person_data", args=[principal.pk]))
    data, html = unzip(response)
    assert "private worry" not in html + json.dumps(data)


def test_only_a_district_administrator_downloads_someone_elses_data(
    client_for, teacher, principal, outsider
):
    assert (
        client_for(teacher).get(reverse("privacy:person_data", args=[principal.pk])).status_code
        == 404
    )
    outsider.is_district_admin = True
    outsider.save()
    assert (
        client_for(outsider).get(reverse("privacy:person_data", args=[principal.pk])).status_code
        == 404
    )


def test_my_own_page_offers_the_download_and_others_pages_do_not(client_for, teacher, principal):
    client = client_for(teacher)
    assert (
        "Download my data"
        in client.get(reverse("districts:person", args=[teacher.pk])).content.decode()
    )
    assert (
        "Download"
        not in client.get(reverse("districts:person", args=[principal.pk])).content.decode()
    )
