import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # the personas' password, from tests/conftest.py


def test_sign_in_page_opens(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert (
        'type="email"' in response.content.decode()
        or 'name="username"' in response.content.decode()
    )


def test_sign_in_with_email_in_any_case_reaches_the_district_home(client, superintendent):
    response = client.post(
        reverse("login"), {"username": "ALICE@cedar.example", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Cedar Valley" in response.content.decode()


def test_wrong_password_explains_and_keeps_the_email(client, superintendent):
    response = client.post(
        reverse("login"), {"username": "alice@cedar.example", "password": "wrong"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "correct email and password" in body.lower() or "enter a correct" in body.lower()
    assert "alice@cedar.example" in body


def test_roster_person_without_password_cannot_sign_in(client, district):
    from districts.models import User

    User.objects.create_user(
        email="cook@cedar.example", district=district, name="Cook", role="staff"
    )
    response = client.post(reverse("login"), {"username": "cook@cedar.example", "password": ""})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_a_post_and_ends_the_session(client_for, teacher):
    client = client_for(teacher)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client, teacher):
    response = client.post(reverse("password_reset"), {"email": "Charlie@cedar.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["charlie@cedar.example"]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    response = client.get(link, follow=True)
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "brand-new-passphrase-42", "new_password2": "brand-new-passphrase-42"},
    )
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.check_password("brand-new-passphrase-42")


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(client, teacher):
    response = client.post(reverse("password_reset"), {"email": "nobody@cedar.example"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()


def test_htmx_is_served_from_our_own_static_files(client):
    body = client.get(reverse("login")).content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in body


def test_health_check_answers(client):
    response = client.get(reverse("healthz"))
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "cache": "in-process",
    }


def test_password_reset_answers_alike_for_known_and_unknown_addresses_without_reading_the_roster(
    client, teacher, monkeypatch, django_assert_num_queries
):
    from districts import tasks

    queued = []
    monkeypatch.setattr(tasks.send_password_reset, "delay", queued.append)
    answers = []
    for email in ("charlie@cedar.example", "nobody@cedar.example"):
        with django_assert_num_queries(0):
            response = client.post(reverse("password_reset"), {"email": email})
        answers.append((response.status_code, response["Location"], response.content))
    assert answers[0] == answers[1]
    assert queued == ["charlie@cedar.example", "nobody@cedar.example"]
    assert mail.outbox == []


def test_the_reset_link_points_at_the_site_url_not_the_requested_host(client, teacher, settings):
    settings.SITE_URL = "https://roundtable.cedar.example"
    client.post(
        reverse("password_reset"), {"email": "charlie@cedar.example"}, HTTP_HOST="localhost"
    )
    assert "https://roundtable.cedar.example/accounts/reset/" in mail.outbox[0].body


def test_a_real_worker_sends_the_reset_email_queued_by_the_page(
    real_worker, client, teacher, mailoutbox
):
    import time

    response = client.post(reverse("password_reset"), {"email": "charlie@cedar.example"})
    assert response.status_code == 302
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [message.to for message in mail.outbox] == [["charlie@cedar.example"]]
