"""A refused request gets a page in the site's frame: what was refused, why, and a way back.

The tests run with DEBUG off, as the site does, so these are the pages people see.
"""

import datetime
import re

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.utils import timezone

from decisions import services
from decisions.models import Decision, Involvement, Stakeholder

pytestmark = pytest.mark.django_db

MAIN_NAV = '<nav aria-label="Main">'


@pytest.fixture
def decision(district, school, team, principal) -> Decision:
    now = timezone.now()
    decision = services.decision_create(
        district=district,
        by=principal,
        title="Two lunch periods",
        context="One lunch period means a 25-minute line.",
        owning_team=team,
        school=school,
        domain="schedule",
        process_type="consent",
        input_opens=now - datetime.timedelta(hours=1),
        input_closes=now + datetime.timedelta(days=2),
        stakeholders=[
            {
                "kind": Stakeholder.Kind.ROLE,
                "role": "teacher",
                "school": school,
                "involvement": Involvement.CONSULTED,
            }
        ],
    )
    services.decision_open_input(decision=decision, by=principal)
    return decision


def without_tokens(body: str) -> str:
    """The page without what changes on every response (the CSP nonce, the CSRF token)."""
    return re.sub(r'(nonce="|X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]*', r"\1", body)


def assert_in_the_site_frame(response, status: int) -> str:
    assert response.status_code == status
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert '<main id="main">' in body
    assert 'class="site-footer"' in body
    assert '<a href="/">Go to the start page</a>' in body
    return body


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        ("decide", "Only the owning team or the named deciders record the decision."),
        ("process_change", "Only the facilitator or the deciders change the process."),
        ("edit", "Only the owning team edits a decision before it is finished."),
    ],
)
def test_a_teacher_posting_an_action_not_offered_reads_why_and_can_go_back(
    client_for, teacher, decision, action, reason
):
    page = decision.get_absolute_url()
    response = client_for(teacher).post(
        f"{page}{'process' if action == 'process_change' else action}/",
        {"outcome": "Decided by a teacher."},
        HTTP_REFERER=f"http://testserver{page}",
    )
    body = assert_in_the_site_frame(response, 403)
    assert MAIN_NAV in body
    assert "You cannot do this here" in body
    assert "What you sent was not saved." in body
    assert reason in body
    assert f'<a href="{page}">Back to the previous page</a>' in body
    decision.refresh_from_db()
    assert decision.status != "decided"


def test_a_refused_page_opened_by_address_says_it_is_not_open_to_them(
    client_for, teacher, decision
):
    response = client_for(teacher).get(f"{decision.get_absolute_url()}decide/")
    body = assert_in_the_site_frame(response, 403)
    assert "This page is not open to you." in body
    assert "Only the owning team or the named deciders record the decision." in body
    assert "Back to the previous page" not in body


def test_the_way_back_never_leads_off_the_site(client_for, teacher, decision):
    response = client_for(teacher).post(
        f"{decision.get_absolute_url()}decide/", HTTP_REFERER="https://evil.example/decisions/"
    )
    body = assert_in_the_site_frame(response, 403)
    assert "evil.example" not in body
    assert "Back to the previous page" not in body


def test_another_districts_decision_reads_exactly_like_one_that_does_not_exist(
    client_for, outsider, decision
):
    client = client_for(outsider)
    theirs = client.get(f"/decisions/{decision.pk}/", HTTP_REFERER="http://testserver/")
    missing = client.get(f"/decisions/{decision.pk + 1000}/", HTTP_REFERER="http://testserver/")
    body = assert_in_the_site_frame(theirs, 404)
    assert MAIN_NAV in body
    assert "This page is not here" in body
    assert '<a href="/">Back to the previous page</a>' in body
    assert "Two lunch periods" not in body
    assert without_tokens(body.replace(str(decision.pk + 1000), str(decision.pk))) == (
        without_tokens(missing.content.decode())
    )


def test_an_address_no_person_types_is_a_400_in_the_frame(client_for, teacher):
    response = client_for(teacher).get(
        "/decisions/", {"q": "lunch\x00"}, HTTP_REFERER="http://testserver/decisions/affects-me/"
    )
    body = assert_in_the_site_frame(response, 400)
    assert MAIN_NAV in body
    assert "This request could not be read" in body
    assert "Bad value" not in body
    assert '<a href="/decisions/affects-me/">Back to the previous page</a>' in body


def test_a_host_the_site_does_not_serve_is_a_400_not_a_500(client):
    response = client.get("/", HTTP_HOST="evil.example", HTTP_REFERER="http://evil.example/")
    body = assert_in_the_site_frame(response, 400)
    assert "This request could not be read" in body
    assert "Back to the previous page" not in body


def test_a_form_sent_after_its_page_was_open_too_long_says_so(teacher, decision):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    page = decision.get_absolute_url()
    client.get(page)  # the form, and the CSRF cookie with it
    response = client.post(
        f"{page}input/",
        {"kind": "comment", "body": "Fine by me.", "csrfmiddlewaretoken": "x" * 32},
        HTTP_REFERER=f"http://testserver{page}",
    )
    body = assert_in_the_site_frame(response, 403)
    assert MAIN_NAV in body
    assert "This form has expired" in body
    assert "open too long" in body
    assert f'<a href="{page}">Back to the form: it opens afresh, send it again</a>' in body
    assert "allow cookies" not in body


def test_a_signed_out_form_asks_to_sign_in_again(decision):
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "x"}, HTTP_REFERER="http://testserver/decisions/"
    )
    body = assert_in_the_site_frame(response, 403)
    assert "This form has expired" in body
    assert "Sign in again, then send the form again" in body
    assert "allow cookies for this site" in body
    assert "/accounts/login/?next=/decisions/" in body


def test_the_500_page_stands_alone_when_the_database_is_down(
    monkeypatch, teacher, django_assert_num_queries
):
    client = Client(raise_request_exception=False)
    client.force_login(teacher)

    def down(self, *args, **kwargs):
        raise OperationalError("the database is down")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", down)
    with django_assert_num_queries(0):
        response = client.get("/")
    body = assert_in_the_site_frame(response, 500)
    assert "Something went wrong on our side" in body
    assert 'class="site-header"' in body
    assert "the database is down" not in body


def broken_context_processor(request):
    raise RuntimeError("a context processor failed")


def test_the_500_page_shows_when_a_context_processor_fails(settings, client_for, teacher):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                "context_processors": [
                    *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                    f"{__name__}.broken_context_processor",
                ]
            },
        }
    ]
    client = client_for(teacher)
    client.raise_request_exception = False
    body = assert_in_the_site_frame(client.get("/decisions/"), 500)
    assert "Something went wrong on our side" in body
