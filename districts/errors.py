"""The pages a person sees when a request is refused: in the site's frame, saying what was
refused and why, with a way back.

400, 403 and 404 render with the request, so the page has the person's menu. The 500 page is
Django's own handler with `templates/500.html`, which stands alone: it is rendered with no
request and no context processors, so it shows even when the database is down.

A 404 says the same for a row that does not exist and for one in another district: it never
shows the message it was raised with (Django's own names the model, and some of ours say why a
row is hidden, which would tell that it exists).
"""

from urllib.parse import urlsplit

from django.core.exceptions import DisallowedHost
from django.http import (
    HttpRequest,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
)
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme


def back_url(request: HttpRequest, *, same_page: bool = False) -> str:
    """The page the person came from, when it is a page of this site (other than this one,
    unless `same_page`: a form that posts to itself is opened afresh there)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 for a Host header the site does not serve
        return ""
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    if not parts.path.startswith("/") or (parts.path == request.path and not same_page):
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _render(request: HttpRequest, template: str, *, same_page=False, **context) -> str:
    return loader.render_to_string(
        template, {"back_url": back_url(request, same_page=same_page), **context}, request=request
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponseBadRequest:
    # The exception's text is for the logs (a header, a field name), not for the person.
    return HttpResponseBadRequest(_render(request, "400.html"))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponseForbidden:
    # The views raise PermissionDenied with a translated sentence that says who may do this.
    reason = str(exception) if exception.args and isinstance(exception.args[0], str) else ""
    return HttpResponseForbidden(_render(request, "403.html", reason=reason))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponseNotFound:
    return HttpResponseNotFound(_render(request, "404.html"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseForbidden:
    """CsrfViewMiddleware's refusal (CSRF_FAILURE_VIEW): most often a form left open past the
    session, or sent after signing out in another tab."""
    return HttpResponseForbidden(
        _render(request, "403_csrf.html", same_page=True, no_cookie=reason == REASON_NO_CSRF_COOKIE)
    )
