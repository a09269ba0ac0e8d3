"""Helpers the rounding views share."""

from functools import wraps

from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.utils.translation import gettext as _

from districts.access import visible_or_404
from districts.bounds import query_id
from districts.models import School, User
from districts.web import (
    HtmxHttpRequest,
)

from ..models import (
    RoundingVisit,
)

ROSTER_OPTIONS = 200
FOLLOW_UP_DAYS = 14


def sent_by_its_author(view):
    """A save kept on a shared phone while offline is sent only under its author's sign-in.

    The phone's queue says whose it is (X-Offline-Author); anyone else's sign-in is refused
    with 409, which the queue reads as "not yours: keep it for its author".
    """

    @wraps(view)
    def checked(request, *args, **kwargs):
        author = request.headers.get("X-Offline-Author")
        if author is not None and author != str(request.user.pk):
            return HttpResponse(
                _("This was saved on this phone by someone else: it is kept for them."),
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        return view(request, *args, **kwargs)

    return checked


def school_or_404(request: HtmxHttpRequest, pk: int) -> School:
    return visible_or_404(request, School.objects, pk=pk)


def visit_for_user(request: HtmxHttpRequest, pk: int) -> RoundingVisit:
    return visible_or_404(request, RoundingVisit.objects.select_related("school"), pk=pk)


def roster_at(school: School, *, also: int | None = None):
    """The school's people for the pickers, plus someone already chosen from elsewhere."""
    people = list(
        User.objects.filter(district_id=school.district_id, schools=school).order_by("name")[
            :ROSTER_OPTIONS
        ]
    )
    if also and all(p.pk != also for p in people):
        people += list(User.objects.filter(district_id=school.district_id, pk=also))
    return people


def posted_person(request: HtmxHttpRequest, name: str) -> int | None:
    """The person picked in a form, to keep them in the picker; the form reports a bad value."""
    try:
        return query_id(request, name, source=request.POST)
    except BadRequest:
        return None


def draft_key(visit: RoundingVisit, what: str, user) -> str:
    """Drafts are the person's own: another person on the same phone never sees them."""
    return f"u{user.pk}-rounding-visit-{visit.pk}-{what}"


# Visits ---------------------------------------------------------------------------------
