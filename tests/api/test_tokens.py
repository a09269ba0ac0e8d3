"""Personal API tokens: made, listed and revoked by their owner; refused when they should be."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, token_hash
from districts.models import AuditEntry

from .conftest import API

pytestmark = pytest.mark.django_db


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_it_shows_a_new_token_once_and_keeps_only_its_hash(teacher, client_for):
    client = client_for(teacher)
    response = client.post(reverse("api:tokens"), {"name": "Weekly report"})
    assert response.status_code == 200
    secret = response.context["secret"]
    text = response.content.decode()
    assert secret in text
    assert "will not be shown again" in text
    assert "Token “Weekly report” made" in text
    token = ApiToken.objects.get(user=teacher)
    assert token.district_id == teacher.district_id
    assert token.key_hash == token_hash(secret)
    assert secret not in (token.shown, token.key_hash)
    assert secret.startswith(token.shown)
    # The list shows its name and first characters, never the secret again.
    listed = client.get(reverse("api:tokens")).content.decode()
    assert "Weekly report" in listed and token.shown in listed and secret not in listed
    assert client.get(f"{API}/schools", **bearer(secret)).status_code == 200


def test_a_name_is_needed_and_must_be_one_line(teacher, client_for):
    client = client_for(teacher)
    assert client.post(reverse("api:tokens"), {"name": ""}).status_code == 400
    assert client.post(reverse("api:tokens"), {"name": "a\nb"}).status_code == 400
    assert not ApiToken.objects.exists()


def test_the_page_needs_sign_in(client):
    response = client.get(reverse("api:tokens"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_menu_links_to_the_tokens_page(teacher, client_for):
    assert reverse("api:tokens") in client_for(teacher).get(reverse("home")).content.decode()


def test_revoking_stops_the_token_at_once(teacher, client_for, token_for):
    secret = token_for(teacher)
    client = client_for(teacher)
    assert client.get(f"{API}/schools", **bearer(secret)).status_code == 200
    token = ApiToken.objects.get(user=teacher)
    response = client.post(reverse("api:token_revoke", args=[token.pk]), follow=True)
    assert "revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(f"{API}/schools", **bearer(secret)).status_code == 401


def test_someone_elses_token_cannot_be_revoked(teacher, principal, outsider, client_for, token_for):
    token_for(principal)
    token_for(outsider)
    client = client_for(teacher)
    for token in ApiToken.objects.all():
        assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None
    # Nor are they listed.
    text = client.get(reverse("api:tokens")).content.decode()
    assert "No tokens yet" in text


def test_revoking_needs_a_post(teacher, client_for, token_for):
    token_for(teacher)
    token = ApiToken.objects.get()
    assert client_for(teacher).get(reverse("api:token_revoke", args=[token.pk])).status_code == 405


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer rt_not-a-real-token",
        "Bearer " + "x" * 5000,
        "Basic dGVhY2hlcjpwYXNzd29yZA==",
        "Bearer rt_\x00",
    ],
)
def test_a_missing_or_wrong_token_is_refused(client, teacher, header):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = client.get(f"{API}/decisions", **extra)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_session_is_not_enough(teacher, client_for):
    """The API takes tokens only: a page's session cookie opens none of it."""
    assert client_for(teacher).get(f"{API}/decisions").status_code == 401


def test_the_token_of_a_deactivated_person_is_refused(client, teacher, token_for):
    secret = token_for(teacher)
    teacher.is_active = False
    teacher.save()
    assert client.get(f"{API}/decisions", **bearer(secret)).status_code == 401


def test_a_token_answers_as_its_owner_and_notes_its_use(client, teacher, token_for):
    secret = token_for(teacher)
    assert client.get(f"{API}/people", **bearer(secret)).status_code == 200
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    first = token.last_used_at
    # Within the minute, no second write.
    client.get(f"{API}/people", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    client.get(f"{API}/people", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at > first


def test_the_schema_is_served_at_a_stable_address_without_a_token(client, db):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Roundtable API"
    assert f"{API}/decisions" in schema["paths"]
    fields = {
        name
        for component in schema["components"]["schemas"].values()
        for name in component.get("properties", {})
    }
    assert not {"private_notes", "private_note", "anonymous_key", "key_hash"} & fields


def test_there_is_no_docs_page_loading_a_cdn(client, db):
    assert client.get(f"{API}/docs").status_code == 404


def test_too_many_requests_get_a_429_with_retry_after(client, teacher, token_for, settings):
    settings.API_RATE_LIMIT = "3/min"
    secret = token_for(teacher)
    for _ in range(3):
        assert client.get(f"{API}/schools", **bearer(secret)).status_code == 200
    response = client.get(f"{API}/schools", **bearer(secret))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Another person's token has its own count.
    other = token_for(teacher, name="Second")
    assert client.get(f"{API}/schools", **bearer(other)).status_code == 200


def test_twenty_live_tokens_are_enough(teacher, client_for, token_for):
    for i in range(20):
        token_for(teacher, name=f"T{i}")
    response = client_for(teacher).post(reverse("api:tokens"), {"name": "One more"})
    assert response.status_code == 400
    assert "revoke one first" in response.content.decode()
    assert ApiToken.objects.filter(user=teacher).count() == 20


def test_the_district_leaders_read_who_made_and_revoked_a_token_never_its_secret(
    teacher, superintendent, client_for
):
    client = client_for(teacher)
    secret = client.post(reverse("api:tokens"), {"name": "Gradebook sync"}).context["secret"]
    token = ApiToken.objects.get(user=teacher)
    client.post(reverse("api:token_revoke", args=[token.pk]))
    client.post(reverse("api:token_revoke", args=[token.pk]))  # twice: logged once

    entries = AuditEntry.objects.filter(object_type="api token").order_by("pk")
    assert [(e.action, e.actor_id, e.district_id) for e in entries] == [
        ("add", teacher.pk, teacher.district_id),
        ("change", teacher.pk, teacher.district_id),
    ]
    log = client_for(superintendent).get(reverse("districts:audit_log")).content.decode()
    assert "Gradebook sync" in log and "Revoked by its owner" in log
    assert secret not in log and token.key_hash not in log
