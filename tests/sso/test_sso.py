"""Single sign-on end to end against an OpenID Connect provider the test starts on loopback:
the browser's redirects are followed by hand, the provider is reached over real HTTP."""

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse

from districts import sso
from districts.models import User

from .flows import signed_in_as, sso_sign_in

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_a_roster_person_signs_in(client, provider, teacher):
    response = sso_sign_in(client, provider, "Charlie@Cedar.Example")
    assert response.status_code == 302, response.content.decode()[:500]
    assert signed_in_as(client) == teacher


def test_an_imported_person_without_a_password_signs_in(client, provider, district):
    person = User.objects.create_user(email="nia@cedar.example", district=district, name="Nia")
    assert not person.has_usable_password()
    sso_sign_in(client, provider, "nia@cedar.example")
    assert signed_in_as(client) == person


def test_an_unknown_address_is_refused_and_no_account_is_made(client, provider, teacher):
    count = User.objects.count()
    response = sso_sign_in(client, provider, "stranger@elsewhere.example")
    assert response.status_code == 403
    assert "stranger@elsewhere.example is not in your district" in response.content.decode()
    assert User.objects.count() == count
    assert signed_in_as(client) is None


def test_an_unverified_address_is_refused(client, provider, teacher):
    response = sso_sign_in(client, provider, "charlie@cedar.example", verified=False)
    assert response.status_code == 403
    assert "verified e-mail address" in response.content.decode()
    assert signed_in_as(client) is None


def test_a_deactivated_person_is_refused(client, provider, teacher):
    User.objects.filter(pk=teacher.pk).update(is_active=False)
    response = sso_sign_in(client, provider, "charlie@cedar.example")
    assert response.status_code == 403
    assert "deactivated" in response.content.decode()
    assert signed_in_as(client) is None


def test_a_provider_limited_to_other_districts_is_refused(client, provider, teacher, settings):
    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["settings"]["districts"] = [
        "harbor-point"
    ]
    assert sso_sign_in(client, provider, "charlie@cedar.example").status_code == 403
    assert signed_in_as(client) is None


def test_a_district_may_require_sso_for_staff(client, provider, teacher, district):
    district.require_sso_for_staff = True
    district.save()
    response = client.post(
        reverse("login"), {"username": "charlie@cedar.example", "password": "a-long-test-password"}
    )
    assert "use the single sign-on button" in response.content.decode()
    assert signed_in_as(client) is None
    sso_sign_in(client, provider, "charlie@cedar.example")
    assert signed_in_as(client) == teacher


def test_no_provider_configured_shows_no_button(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = client.get(reverse("login")).content.decode()
    assert "Or sign in with" not in page


def providers_from_env(tmp_path, show="settings.SOCIALACCOUNT_PROVIDERS", **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SSO_")}
    clean.update(env, ROUNDTABLE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    code = (
        "import django; django.setup(); from django.conf import settings; import json; "
        f"print(json.dumps({show}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_providers_come_from_the_environment(tmp_path):
    result = providers_from_env(tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {}
    result = providers_from_env(
        tmp_path,
        SSO_MICROSOFT_CLIENT_ID="app",
        SSO_MICROSOFT_CLIENT_SECRET="s",
        SSO_MICROSOFT_TENANT="1234-abcd",
        SSO_CLEVER_CLIENT_ID="c",
        SSO_CLEVER_CLIENT_SECRET="cs",
        SSO_CLEVER_DISTRICTS="cedar-valley, harbor-point",
    )
    providers = json.loads(result.stdout)
    assert providers["microsoft"]["APPS"][0]["settings"]["tenant"] == "1234-abcd"
    assert providers["clever"]["APPS"][0]["settings"]["districts"] == [
        "cedar-valley",
        "harbor-point",
    ]
    result = providers_from_env(tmp_path, SSO_OIDC_CLIENT_ID="x", SSO_OIDC_CLIENT_SECRET="y")
    assert result.returncode != 0 and "SSO_OIDC_SERVER_URL" in result.stderr


def test_the_sign_in_and_sign_out_forms_may_lead_to_the_providers_pages(tmp_path):
    """Browsers hold a form's redirect to CSP's form-action: the provider must be in it."""
    result = providers_from_env(
        tmp_path,
        show="settings.SECURE_CSP['form-action']",
        SSO_GOOGLE_CLIENT_ID="g",
        SSO_GOOGLE_CLIENT_SECRET="gs",
        SSO_OIDC_CLIENT_ID="x",
        SSO_OIDC_CLIENT_SECRET="y",
        SSO_OIDC_SERVER_URL="https://login.district.example/realms/staff",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "'self'",
        "https://accounts.google.com",
        "https://login.district.example",
    ]
    result = providers_from_env(tmp_path, show="settings.SECURE_CSP['form-action']")
    assert json.loads(result.stdout) == ["'self'"]


@pytest.mark.parametrize(
    ("provider", "tenant", "trusted"),
    [
        ("microsoft", "organizations", False),
        ("microsoft", "common", False),
        ("microsoft", "1234-abcd", True),
        ("clever", None, True),
        ("google", None, False),
    ],
)
def test_which_directories_vouch_for_unverified_addresses(provider, tenant, trusted):
    app = SimpleNamespace(settings={"tenant": tenant} if tenant else {})
    account = SimpleNamespace(provider=provider, get_provider=lambda: SimpleNamespace(app=app))
    login = SimpleNamespace(
        account=account, email_addresses=[SimpleNamespace(email="A@B.example", verified=False)]
    )
    assert sso.directory_issues_addresses(login) is trusted
    assert sso.vouched_emails(login) == (["a@b.example"] if trusted else [])
