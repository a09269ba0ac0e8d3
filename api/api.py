"""The JSON API, version 1: read-only, answering as a token's owner, through the pages' own rules.

Every list and row is read through the same `visible_to(user)` the pages use, so the API
shows nobody anything their pages would not. Lists are paged by `limit` and `offset` and read
one row more than they show to know whether there is a next page (no count: a count grows
with the district). Private check-in notes and the authors of anonymous input are in no
schema here.
"""

from __future__ import annotations

import datetime
import functools
import inspect
import re
from typing import Annotated, Literal

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle
from pydantic import BeforeValidator

from decisions.choices import ProcessType
from decisions.models import Decision, Input, Stakeholder
from decisions.models import Status as DecisionStatus
from decisions.selectors import status_is
from districts.bounds import EARLIEST, LATEST, MAX_ID, QUERY_TEXT_LENGTH
from districts.models import Role, School, User
from districts.web import url_for_each
from principals.models import CheckIn
from rounding.models import Conversation, FollowUp, RoundingVisit

from . import schemas
from .models import ApiToken

PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_OFFSET = 100_000
# Search text as a person types it: one line, no control characters.
ONE_LINE = r"^[^\x00-\x1f\x7f-\x9f]*$"


def _iso_day(value):
    """Only YYYY-MM-DD: pydantic would also read "0" or "1700000000" as a day since 1970."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("Give a day as YYYY-MM-DD.")
    return value


Day = Annotated[datetime.date, BeforeValidator(_iso_day)]


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = ApiToken.authenticate(token)
        if found is None:
            return None
        # The pages' rules read `request.user`: the API answers as the token's owner.
        request.user = found.user
        return found


class TokenRateThrottle(SimpleRateThrottle):
    """`API_RATE_LIMIT` requests per token (e.g. "600/min"), counted in Django's cache."""

    scope = "api_token"

    def __init__(self):
        super().__init__(rate="1/s")  # replaced by the setting on each request

    def allow_request(self, request) -> bool:
        self.num_requests, self.duration = self.parse_rate(settings.API_RATE_LIMIT)
        return super().allow_request(request)

    def get_cache_key(self, request) -> str:
        return f"api_throttle_{request.auth.pk}"


ERRORS = {
    401: schemas.Detail,
    404: schemas.Detail,
    422: schemas.Invalid,
    429: schemas.Detail,
}

api = NinjaAPI(
    title="Roundtable API",
    version="1",
    description=(
        "Read-only. Send a personal token from /api/tokens/ as `Authorization: Bearer <token>`. "
        "Each answer shows what its owner's pages show, no more."
    ),
    urls_namespace="api-v1",
    docs_url=None,
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
)


Limit = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE, description="Rows per page (at most 100).")
Offset = Query(0, ge=0, le=MAX_OFFSET, description="Rows to skip: the previous page's next_offset.")
AnyId = Query(None, ge=1, le=MAX_ID)
UpdatedSince = Query(None, description="Changed on or after this day.")
Stoplight = Query(None, description="The stoplight: new (not started), yellow, green, red.")


@api.exception_handler(AuthenticationError)
def refused(request, error):
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="Roundtable API"'
    return response


def get(path: str, **options):
    """`api.get`, refusing query parameters the operation does not name (a 422): a mistyped
    filter (`?stauts=open`) must not quietly answer with every row. Every parameter here takes
    one value, so one given twice is a 422 as well: the last of `?status=bogus&status=draft`
    would otherwise answer as if the bad one had not been sent."""

    def register(view):
        known = set(inspect.signature(view).parameters) - {"request"}

        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            unknown = sorted(set(request.GET) - known)
            repeated = sorted(
                name for name in set(request.GET) & known if len(request.GET.getlist(name)) > 1
            )
            if unknown or repeated:
                raise ValidationError(
                    [
                        {"type": "unknown", "loc": ["query", name], "msg": "Unknown parameter."}
                        for name in unknown
                    ]
                    + [
                        {
                            "type": "repeated",
                            "loc": ["query", name],
                            "msg": "Give this parameter once.",
                        }
                        for name in repeated
                    ]
                )
            return view(request, *args, **kwargs)

        return api.get(path, **options)(checked)

    return register


def page_of(rows, limit: int, offset: int, serialize) -> dict:
    found = list(rows[offset : offset + limit + 1])
    more = len(found) > limit
    return {
        "items": [serialize(row) for row in found[:limit]],
        "next_offset": offset + limit if more else None,
    }


def _day(value: datetime.date) -> datetime.date:
    """Days outside the range every page accepts are the range's ends: a filter still means
    what it says, and no date reaches the database that it cannot store."""
    return min(max(value, EARLIEST), LATEST)


def _start_of(value: datetime.date) -> datetime.datetime:
    day = _day(value)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _ref(row) -> dict | None:
    return None if row is None else {"id": row.pk, "name": str(row)}


def _person(row) -> dict | None:
    return None if row is None else {"id": row.pk, "name": row.name}


def _one_or_404(rows, pk):
    found = rows.filter(pk=pk).first()
    if found is None:
        raise Http404("No such row.")
    return found


# ----- decisions

StatusParam = Literal[tuple(DecisionStatus.values)]
ProcessParam = Literal[tuple(ProcessType.values)]


def _decision(decision: Decision, url) -> dict:
    return {
        "id": decision.pk,
        "number": decision.number,
        "title": decision.title,
        "status": decision.current_status,
        "process": decision.process_type,
        "domain": decision.domain,
        "visibility": decision.visibility,
        "school": _ref(decision.school),
        "team": _ref(decision.owning_team),
        "input_opens": decision.input_opens,
        "input_closes": decision.input_closes,
        "decide_by": decision.decide_by,
        "decided_at": decision.decided_at,
        "review_on": decision.review_on,
        "created_at": decision.created_at,
        "updated_at": decision.updated_at,
        "url": url(decision.pk),
    }


def _decisions(request):
    return Decision.objects.visible_to(request.user).select_related("school", "owning_team")


def _decision_or_404(request, pk: int) -> Decision:
    return _one_or_404(_decisions(request), pk)


@get("/decisions", response={200: schemas.DecisionPage, **ERRORS}, tags=["decisions"])
def decisions(
    request,
    status: StatusParam | None = None,
    process: ProcessParam | None = None,
    school: int | None = AnyId,
    updated_since: Day | None = UpdatedSince,
    limit: int = Limit,
    offset: int = Offset,
):
    """The decisions this person may see, newest first."""
    rows = _decisions(request).order_by("-created_at", "-pk")
    if status:
        rows = rows.filter(status_is(status))
    if process:
        rows = rows.filter(process_type=process)
    if school:
        rows = rows.filter(school_id=school)
    if updated_since:
        rows = rows.filter(updated_at__gte=_start_of(updated_since))
    url = url_for_each("decisions:detail")
    return page_of(rows, limit, offset, lambda d: _decision(d, url))


@get(
    "/decisions/{decision_id}",
    response={200: schemas.DecisionDetailOut, **ERRORS},
    tags=["decisions"],
)
def decision(request, decision_id: int = Path(..., ge=1, le=MAX_ID)):
    found = _decision_or_404(request, decision_id)
    return {
        **_decision(found, url_for_each("decisions:detail")),
        "context": found.context,
        "options": found.options,
        "outcome": found.outcome,
        "rationale": found.rationale,
        "impact_students": found.impact_students,
        "staff_time": found.staff_time,
    }


@get(
    "/decisions/{decision_id}/stakeholders",
    response={200: schemas.StakeholderPage, **ERRORS},
    tags=["decisions"],
)
def stakeholders(
    request,
    decision_id: int = Path(..., ge=1, le=MAX_ID),
    limit: int = Limit,
    offset: int = Offset,
):
    """Who the decision involves, and how: people and groups, as on the decision's page."""
    found = _decision_or_404(request, decision_id)
    rows = (
        Stakeholder.objects.filter(district_id=found.district_id, decision=found)
        .select_related("person", "team", "school")
        .order_by("involvement", "kind", "pk")
    )
    return page_of(
        rows,
        limit,
        offset,
        lambda s: {
            "kind": s.kind,
            "involvement": s.involvement,
            "describes": s.describe(),
            "person": _person(s.person),
            "team": _ref(s.team),
            "school": _ref(s.school),
            "role": s.role,
        },
    )


@get(
    "/decisions/{decision_id}/input",
    response={200: schemas.InputPage, **ERRORS},
    tags=["decisions"],
)
def decision_input(
    request,
    decision_id: int = Path(..., ge=1, le=MAX_ID),
    limit: int = Limit,
    offset: int = Offset,
):
    """The input given on a decision, in reading order (by kind, then a random id).

    Anonymous input has no author and nothing that tells it apart: no time, no order of
    giving, no key. Like the decision's page, it shows the day it was given.
    """
    found = _decision_or_404(request, decision_id)
    rows = (
        Input.objects.filter(district_id=found.district_id, decision=found)
        .select_related("author")
        .prefetch_related("themes")
        .in_reading_order()
    )
    return page_of(
        rows,
        limit,
        offset,
        lambda entry: {
            "id": entry.pk,
            "kind": entry.kind,
            "text": entry.text,
            "anonymous": entry.is_anonymous,
            "author": None if entry.is_anonymous else _person(entry.author),
            "given_on": entry.given_on,
            "themes": sorted(theme.name for theme in entry.themes.all()),
            "changed_decision": entry.changed_decision,
            "response": entry.response,
            "resolution": entry.resolution,
        },
    )


# ----- rounding


def _visit(visit: RoundingVisit, url) -> dict:
    return {
        "id": visit.pk,
        "school": _ref(visit.school),
        "date": visit.date,
        "purpose": visit.purpose,
        "summary": visit.summary,
        "visitors": [_person(person) for person in visit.visitors.all()],
        "url": url(visit.pk),
    }


def _visits(request):
    return (
        RoundingVisit.objects.visible_to(request.user)
        .select_related("school")
        .prefetch_related(Prefetch("visitors", queryset=User.objects.only("id", "name")))
    )


@get("/visits", response={200: schemas.VisitPage, **ERRORS}, tags=["rounding"])
def visits(
    request,
    school: int | None = AnyId,
    date_from: Day | None = None,
    date_to: Day | None = None,
    limit: int = Limit,
    offset: int = Offset,
):
    """Rounding visits: their visitors and district leaders see them, newest first."""
    rows = _visits(request).order_by("-date", "-pk")
    if school:
        rows = rows.filter(school_id=school)
    if date_from:
        rows = rows.filter(date__gte=_day(date_from))
    if date_to:
        rows = rows.filter(date__lte=_day(date_to))
    url = url_for_each("rounding:visit")
    return page_of(rows, limit, offset, lambda v: _visit(v, url))


@get("/visits/{visit_id}", response={200: schemas.VisitDetailOut, **ERRORS}, tags=["rounding"])
def visit(request, visit_id: int = Path(..., ge=1, le=MAX_ID)):
    """One visit with its conversations: who said what, for those who may read it."""
    found = _one_or_404(_visits(request), visit_id)
    conversations = (
        Conversation.objects.visible_to(request.user)
        .filter(visit=found)
        .select_related("person")
        .prefetch_related("themes")
        .order_by("created_at", "pk")
    )
    return {
        **_visit(found, url_for_each("rounding:visit")),
        "conversations": [
            {
                "id": c.pk,
                "with_whom": c.display_name,
                "person": _person(c.person),
                "role_group": c.role_group,
                "working": c.working,
                "concerns": c.concerns,
                "ideas": c.ideas,
                "recognition": c.recognition,
                "themes": sorted(theme.name for theme in c.themes.all()),
            }
            for c in conversations
        ],
    }


FollowUpStatus = Literal[tuple(FollowUp.Status.values)]


@get("/follow-ups", response={200: schemas.FollowUpPage, **ERRORS}, tags=["rounding"])
def follow_ups(
    request,
    status: FollowUpStatus | None = Stoplight,
    school: int | None = AnyId,
    limit: int = Limit,
    offset: int = Offset,
):
    """Follow-ups: district leaders all, a school's staff their school's, anyone what they own."""
    rows = (
        FollowUp.objects.visible_to(request.user)
        .select_related("school", "owner")
        .order_by("due_on", "pk")
    )
    if status:
        rows = rows.filter(status=status)
    if school:
        rows = rows.filter(school_id=school)
    url = url_for_each("rounding:follow_up")
    return page_of(
        rows,
        limit,
        offset,
        lambda f: {
            "id": f.pk,
            "school": _ref(f.school),
            "what": f.what,
            "heard": f.heard,
            "owner": _person(f.owner),
            "due_on": f.due_on,
            "status": f.status,
            "reason": f.reason,
            "done_at": f.done_at,
            "created_at": f.created_at,
            "url": url(f.pk),
        },
    )


# ----- check-ins

CheckInStatus = Literal[tuple(CheckIn.Status.values)]


def _check_in(check_in: CheckIn, url) -> dict:
    pair = check_in.pair
    return {
        "id": check_in.pk,
        "pair": pair.pk,
        "school": _ref(pair.school),
        "supervisor": _person(pair.supervisor),
        "principal": _person(pair.principal),
        "scheduled_at": check_in.scheduled_at,
        "status": check_in.status,
        "pulse": check_in.pulse,
        "shared_notes": check_in.shared_notes,
        "reflection": check_in.reflection,
        "url": url(check_in.pk),
    }


def _check_ins(request):
    return CheckIn.objects.visible_to(request.user).select_related(
        "pair__school", "pair__supervisor", "pair__principal"
    )


@get("/check-ins", response={200: schemas.CheckInPage, **ERRORS}, tags=["check-ins"])
def check_ins(
    request,
    pair: int | None = AnyId,
    status: CheckInStatus | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
    limit: int = Limit,
    offset: int = Offset,
):
    """Check-ins of the pairs this person is in (the superintendent: every pair), by date."""
    rows = _check_ins(request).order_by("scheduled_at", "pk")
    if pair:
        rows = rows.filter(pair_id=pair)
    if status:
        rows = rows.filter(status=status)
    if date_from:
        rows = rows.filter(scheduled_at__gte=_start_of(date_from))
    if date_to:
        rows = rows.filter(scheduled_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    url = url_for_each("principals:check_in")
    return page_of(rows, limit, offset, lambda c: _check_in(c, url))


@get("/check-ins/{check_in_id}", response={200: schemas.CheckInOut, **ERRORS}, tags=["check-ins"])
def check_in(request, check_in_id: int = Path(..., ge=1, le=MAX_ID)):
    return _check_in(
        _one_or_404(_check_ins(request), check_in_id), url_for_each("principals:check_in")
    )


# ----- schools and people

Search = Query(None, max_length=QUERY_TEXT_LENGTH, pattern=ONE_LINE)


@get("/schools", response={200: schemas.SchoolPage, **ERRORS}, tags=["district"])
def schools(request, q: str | None = Search, limit: int = Limit, offset: int = Offset):
    rows = School.objects.visible_to(request.user).order_by("name", "pk")
    if q and q.strip():
        rows = rows.filter(name__icontains=q.strip())
    url = url_for_each("districts:school")
    return page_of(
        rows,
        limit,
        offset,
        lambda s: {"id": s.pk, "name": s.name, "level": s.level, "url": url(s.pk)},
    )


RoleParam = Literal[tuple(Role.values)]


@get("/people", response={200: schemas.PersonPage, **ERRORS}, tags=["district"])
def people(
    request,
    q: str | None = Search,
    role: RoleParam | None = None,
    school: int | None = AnyId,
    limit: int = Limit,
    offset: int = Offset,
):
    """The People page: staff see everyone; students, families and the community see staff."""
    show_email = request.user.is_staff_member
    rows = (
        User.objects.visible_to(request.user)
        .prefetch_related(Prefetch("schools", queryset=School.objects.only("id", "name")))
        .order_by("name", "pk")
    )
    if q:
        rows = rows.search(q)
    if role:
        rows = rows.filter(role=role)
    if school:
        rows = rows.filter(schools=school)
    url = url_for_each("districts:person")
    return page_of(
        rows,
        limit,
        offset,
        lambda p: {
            "id": p.pk,
            "name": p.name,
            "role": p.role,
            "title": p.title,
            "schools": [_ref(s) for s in p.schools.all()],
            "email": p.email if show_email else None,
            "left_roster": p.left_roster_at is not None,
            "url": url(p.pk),
        },
    )
