import pytest
from django.utils.csp import CSP

from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider


def use_provider_at(settings, url: str) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "district",
                    "name": "Cedar Valley account",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": url, "districts": []},
                }
            ],
            "OAUTH_PKCE_ENABLED": True,
        }
    }
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, url]}


@pytest.fixture
def provider(settings):
    with Provider() as running:
        use_provider_at(settings, running.url)
        yield running
