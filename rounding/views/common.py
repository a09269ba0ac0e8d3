"""Helpers the rounding views share."""

from django.core.exceptions import BadRequest

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
