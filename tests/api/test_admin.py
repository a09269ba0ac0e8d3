"""District IT revokes a leaked token in the admin; the revocation is in the admin log."""

import pytest
from django.urls import reverse

from api.models import ApiToken
from districts.models import AuditEntry, User

pytestmark = pytest.mark.django_db


def test_district_it_revokes_a_token_in_the_admin_and_it_stops_working(client, teacher):
    token, secret = ApiToken.issue(user=teacher, name="Leaked report")
    it = User.objects.create_superuser("it@cedar.example", "a-long-admin-password", name="Ivy IT")
    client.force_login(it)
    listing = client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert "Leaked report" in listing and secret not in listing
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert ApiToken.authenticate(secret) is None
    entry = AuditEntry.objects.get()
    assert entry.changes == "Revoked the API token"
    assert entry.district_id == teacher.district_id
    client.logout()
    answer = client.get("/api/v1/decisions", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 401
