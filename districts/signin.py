"""Sign-in throttling: django-axes counts failed sign-ins in the database, so every web process
on SQLite or PostgreSQL sees the same counts.

An account is locked after `AXES_FAILURE_LIMIT` failures and an address after
`SIGN_IN_ADDRESS_FAILURE_LIMIT`, each for `AXES_COOLOFF_TIME` after the last failure. An
address gets more tries than an account because a whole school signs in from one address
(its network's), and one teacher's typos must not lock out the building. The sign-in page says what happened and
keeps the typed e-mail (`SignInForm`).
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpResponse
from django.utils.translation import gettext as _


def locked_out_message() -> str:
    return _(
        "Too many failed sign-ins for this account or from this network. Signing in is "
        "paused for %(minutes)s minutes; please try again after that."
    ) % {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}


def account_of(request, credentials) -> str | None:
    """The e-mail as typed, in lower case: "ALICE@…" and "alice@…" count as one account."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username")
    typed = str(typed or "").strip().lower()[:255]
    return typed or None


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The address a request came from.

    Behind a proxy (`TRUST_PROXY_HEADERS`), REMOTE_ADDR is the proxy's own: the client is
    the last X-Forwarded-For entry, the one our proxy added (earlier entries come from the
    client and may be made up).
    """
    if settings.TRUST_PROXY_HEADERS:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1]
        if found := _address(forwarded):
            return found
    return _address(request.META.get("REMOTE_ADDR", ""))


class SignInThrottle(AxesDatabaseHandler):
    """axes with one limit per account and a higher one per address.

    axes compares the larger of its counts with one limit (`AXES_FAILURE_LIMIT`); the address
    count is scaled so that it reaches that limit exactly when it reaches its own.
    """

    def get_failures(self, request, credentials=None) -> int:
        by_account, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit, address_limit = settings.AXES_FAILURE_LIMIT, settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
        return max(by_account, by_address * limit // address_limit)


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page as the view drew it (its form says why, see `SignInForm`, and keeps
    the typed e-mail), answered as 429 Too Many Requests."""
    if original_response is None:
        return HttpResponse(
            locked_out_message(), status=429, content_type="text/plain; charset=utf-8"
        )
    original_response.status_code = 429
    return original_response
