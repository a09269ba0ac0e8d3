"""Guessing passwords stops after a few tries: per account, and per address with more room
(a school signs in from one address). The sign-in page says why and keeps the e-mail."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # the personas' password, from tests/conftest.py


def sign_in(client, email, password, address="203.0.113.7", **headers):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address, **headers
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_after_five_wrong_passwords_the_right_one_is_refused_with_a_clear_message(
    client, superintendent
):
    for _ in range(5):
        sign_in(client, "alice@cedar.example", "wrong")
    response = sign_in(client, "alice@cedar.example", PASSWORD)
    body = response.content.decode()
    assert response.status_code == 429
    assert "Too many failed sign-ins" in body
    assert "15 minutes" in body
    assert 'value="alice@cedar.example"' in body
    assert not signed_in(client)


def test_fifteen_wrong_passwords_then_the_right_one_does_not_sign_in(client, superintendent):
    for _ in range(15):
        sign_in(client, "alice@cedar.example", "wrong")
    sign_in(client, "alice@cedar.example", PASSWORD)
    assert not signed_in(client)


def test_four_wrong_passwords_then_the_right_one_signs_in(client, superintendent):
    for _ in range(4):
        response = sign_in(client, "alice@cedar.example", "wrong")
        assert response.status_code == 200
        assert "Too many" not in response.content.decode()
    sign_in(client, "alice@cedar.example", PASSWORD)
    assert signed_in(client)


def test_an_account_counts_as_one_whatever_the_case_and_the_address(client, superintendent):
    for i, email in enumerate(["ALICE@cedar.example", "alice@CEDAR.example"] * 3):
        sign_in(client, email, "wrong", address=f"198.51.100.{i + 1}")
    sign_in(client, "alice@cedar.example", PASSWORD, address="192.0.2.50")
    assert not signed_in(client)


def test_a_locked_account_does_not_lock_a_colleague_at_the_same_school(
    client, superintendent, principal
):
    for _ in range(6):
        sign_in(client, "alice@cedar.example", "wrong")
    sign_in(client, "bob@cedar.example", PASSWORD)
    assert signed_in(client)


def test_thirty_failures_from_one_address_pause_every_account_there(client, principal):
    for i in range(30):
        sign_in(client, f"guess{i}@cedar.example", "wrong")
    response = sign_in(client, "bob@cedar.example", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    sign_in(client, "bob@cedar.example", PASSWORD, address="198.51.100.9")
    assert signed_in(client)


def test_after_the_cool_off_the_right_password_signs_in(client, superintendent):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            sign_in(client, "alice@cedar.example", "wrong")
        clock.shift(datetime.timedelta(minutes=16))
        sign_in(client, "alice@cedar.example", PASSWORD)
    assert signed_in(client)


def test_the_admin_sign_in_is_paused_too(client, superintendent):
    superintendent.is_staff = True
    superintendent.save()
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "alice@cedar.example", "password": "wrong"})
    response = client.post(url, {"username": "alice@cedar.example", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert not signed_in(client)


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(rf, settings):
    from districts.signin import client_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    settings.TRUST_PROXY_HEADERS = False
    assert client_address(request) == "10.0.0.2"
    settings.TRUST_PROXY_HEADERS = True
    assert client_address(request) == "198.51.100.7"
    made_up = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(made_up) == "10.0.0.2"


def test_behind_a_trusted_proxy_each_client_is_counted_apart(client, settings, principal):
    settings.TRUST_PROXY_HEADERS = True
    for i in range(30):
        sign_in(client, f"guess{i}@cedar.example", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.66")
    sign_in(client, "bob@cedar.example", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.67")
    assert signed_in(client)
