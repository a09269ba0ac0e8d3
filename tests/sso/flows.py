"""The browser's part of a sign-in, followed by hand: the test client for Roundtable, plain
HTTP for the provider."""

from urllib.parse import urlsplit

import requests
from django.urls import reverse

START = reverse("openid_connect_login", kwargs={"provider_id": "district"})


def press_the_button(client, provider, email, verified=True):
    """Press "Sign in with …" and let the provider answer: its redirect to the callback."""
    provider.signed_in = {"email": email, "email_verified": verified, "name": "Someone"}
    page = client.get(reverse("login")).content.decode()
    assert f'action="{START}' in page and "Sign in with Cedar Valley account" in page
    response = client.post(START)
    assert response.status_code == 302
    assert response.url.startswith(f"{provider.url}/authorize?")
    at_provider = requests.get(response.url, allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    return urlsplit(at_provider.headers["Location"])


def sso_sign_in(client, provider, email, verified=True):
    """Press the button, let the provider answer, come back to the callback."""
    callback = press_the_button(client, provider, email, verified)
    return client.get(f"{callback.path}?{callback.query}")


def signed_in_as(client):
    response = client.get(reverse("home"))
    user = response.context["user"] if response.context else None
    return user if user is not None and user.is_authenticated else None
