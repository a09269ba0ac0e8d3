import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from districts.access import visible_or_404
from districts.bounds import query_id, query_text
from districts.models import Role, School, Theme, User
from districts.web import (
    HtmxHttpRequest,
    counted_page,
    render_page,
    require_district_leader,
    url_for_each,
)

from . import selectors, services
from .forms import (
    CelebrationForm,
    ConversationForm,
    FollowUpForm,
    StatusForm,
    VisitFilterForm,
    VisitForm,
    VisitSummaryForm,
)
from .models import (
    Celebration,
    Conversation,
    FollowUp,
    RoundingVisit,
    may_acknowledge,
    may_change_status,
    may_see_stoplight,
    may_see_themes,
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


def draft_key(visit: RoundingVisit, what: str) -> str:
    return f"rounding-visit-{visit.pk}-{what}"


# Visits ---------------------------------------------------------------------------------


@login_required
def visit_list(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_district_leader and not request.user.rounding_visits.exists():
        return redirect("rounding:my_school")
    form = VisitFilterForm(request.GET or None, district_id=request.user.district_id)
    visits = (
        RoundingVisit.objects.visible_to(request.user)
        .select_related("school")
        .prefetch_related(Prefetch("visitors", queryset=User.objects.only("id", "name")))
        .annotate(conversation_count=Count("conversations", distinct=True))
        .order_by("-date", "-pk")
    )
    if form.is_valid():
        if form.cleaned_data["school"]:
            visits = visits.filter(school=form.cleaned_data["school"])
        if form.cleaned_data["date_from"]:
            visits = visits.filter(date__gte=form.cleaned_data["date_from"])
        if form.cleaned_data["date_to"]:
            visits = visits.filter(date__lte=form.cleaned_data["date_to"])
    return render_page(
        request,
        "rounding/visit_list.html",
        {"form": form, "page": counted_page(visits, request.GET.get("page"))},
        partial="results",
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_start(request: HtmxHttpRequest) -> HttpResponse:
    require_district_leader(request)
    initial = {"date": timezone.localdate()}
    school_pk = query_id(request, "school")
    if school_pk:
        initial["school"] = School.objects.visible_to(request.user).filter(pk=school_pk).first()
    form = VisitForm(request.POST or None, initial=initial, district_id=request.user.district_id)
    if form.is_valid():
        visit = services.visit_start(by=request.user, **form.cleaned_data)
        messages.success(
            request, f"Visit to {visit.school} started. Log each conversation as you go."
        )
        return redirect(visit)
    return render(request, "rounding/visit_start.html", {"form": form})


def visit_context(
    request, visit, *, conversation_form=None, celebration_form=None, summary_form=None, saved=None
):
    people = roster_at(visit.school, also=posted_person(request, "person"))
    district_id = visit.district_id
    conversations = (
        Conversation.objects.visible_to(request.user)
        .filter(visit=visit)
        .select_related("person")
        .prefetch_related(
            "themes", Prefetch("follow_ups", queryset=FollowUp.objects.select_related("owner"))
        )
    )
    return {
        "visit": visit,
        "conversations": conversations,
        "conversation_form": conversation_form
        or ConversationForm(district_id=district_id, people=people),
        "celebration_form": celebration_form
        or CelebrationForm(district_id=district_id, people=people, prefix="celebration"),
        "celebrations": visit.celebrations.select_related("person"),
        "summary_form": summary_form or VisitSummaryForm(initial={"summary": visit.summary}),
        "conversation_key": draft_key(visit, "conversation"),
        "celebration_key": draft_key(visit, "celebration"),
        "saved": saved,
    }


@login_required
def visit_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    visit = visit_for_user(request, pk)
    context = visit_context(request, visit)
    context["visitors"] = visit.visitors.all()
    # After a save without htmx, the page tells draft.js which draft to forget.
    saved_form = request.GET.get("saved", "")
    if saved_form in ("conversation", "celebration", "summary"):
        context["clear_draft"] = draft_key(visit, saved_form)
    return render(request, "rounding/visit_detail.html", context)


def back_to(visit: RoundingVisit, saved: str) -> HttpResponse:
    return redirect(f"{visit.get_absolute_url()}?saved={saved}")


@login_required
@require_POST
def conversation_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    visit = visit_for_user(request, pk)
    chosen = posted_person(request, "person")
    people = SimpleLazyObject(lambda: roster_at(visit.school, also=chosen))
    form = ConversationForm(request.POST, district_id=visit.district_id, people=people)
    saved = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.conversation_add(
                visit=visit,
                person=data["person"],
                name=data["name"],
                role_group=data["role_group"],
                working=data["working"],
                concerns=data["concerns"],
                ideas=data["ideas"],
                recognition=data["recognition"],
                themes=data["themes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
    if saved is None:
        context = visit_context(request, visit, conversation_form=form)
    else:
        notes = [saved.working, saved.concerns, saved.ideas, saved.recognition]
        student_names = services.student_names_in(school=visit.school, texts=notes)
        if not request.htmx:
            # Straight back to the visit: no page to build here (a phone in a hallway waits).
            messages.success(request, f"Conversation with {saved.display_name} saved.")
            if student_names:
                messages.warning(request, student_warning(student_names))
            return back_to(visit, "conversation")
        context = visit_context(request, visit, saved=saved)
        context["student_names"] = student_names
    context["visitors"] = visit.visitors.all()
    return render_page(request, "rounding/visit_detail.html", context, partial="conversations")


def student_warning(names) -> str:
    return (
        f"This note names {', '.join(names)}, a student at this school. Notes that name students "
        "are student records: keep them factual and share them only with those who need them."
    )


@login_required
@require_POST
def note_check(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """As they type: a gentle warning when a note names a student of the school."""
    visit = visit_for_user(request, pk)
    texts = [
        request.POST.get(f, "")[:5000]
        for f in ("working", "concerns", "ideas", "recognition", "what")
    ]
    names = services.student_names_in(school=visit.school, texts=texts)
    return render(request, "rounding/student_warning.html", {"student_names": names})


@login_required
def roster_search(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Options for the person picker: the school's people whose name matches what is typed."""
    visit = visit_for_user(request, pk)
    query = query_text(request, "person_q")
    people = User.objects.filter(district_id=visit.district_id, schools=visit.school)
    if query:
        people = people.filter(Q(name__icontains=query) | Q(title__icontains=query))
    people = list(people.order_by("name")[:ROSTER_OPTIONS])
    return render(request, "rounding/roster_options.html", {"people": people, "query": query})


@login_required
@require_POST
def celebration_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    visit = visit_for_user(request, pk)
    people = roster_at(visit.school, also=posted_person(request, "celebration-person"))
    form = CelebrationForm(
        request.POST, district_id=visit.district_id, people=people, prefix="celebration"
    )
    if form.is_valid():
        celebration = services.celebration_record(
            school=visit.school, visit=visit, by=request.user, **form.cleaned_data
        )
        if not request.htmx:
            messages.success(request, f"Celebration of {celebration.who} recorded.")
            return back_to(visit, "celebration")
        context = visit_context(request, visit)
        context["celebration_saved"] = celebration
    else:
        context = visit_context(request, visit, celebration_form=form)
    return render_page(request, "rounding/visit_detail.html", context, partial="celebrations")


@login_required
@require_POST
def visit_summary(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    visit = visit_for_user(request, pk)
    form = VisitSummaryForm(request.POST)
    if not form.is_valid():
        # Nothing is cut: what was typed comes back with the reason.
        context = visit_context(request, visit, summary_form=form)
        context["visitors"] = visit.visitors.all()
        return render(request, "rounding/visit_detail.html", context)
    visit.summary = form.cleaned_data["summary"]
    visit.save(update_fields=["summary"])
    messages.success(request, _("Summary saved."))
    return back_to(visit, "summary")


# Follow-ups -----------------------------------------------------------------------------


def without_names(text: str, names) -> str:
    """Staff read follow-ups: take the speaker's name out of the default wording."""
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", "someone", text, flags=re.IGNORECASE)
    return text


@login_required
@require_POST
def conversation_follow_up(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One tap: the concern becomes a follow-up owned by the school's principal, due in two weeks."""
    conversation = visible_or_404(
        request, Conversation.objects.select_related("visit__school", "person"), pk=pk
    )
    if not conversation.concerns:
        raise Http404("This conversation has no concern to follow up.")
    school = conversation.visit.school
    owner = (
        User.objects.filter(district_id=school.district_id, role=Role.PRINCIPAL, schools=school)
        .order_by("pk")
        .first()
        or request.user
    )
    speaker = conversation.display_name
    students = services.student_names_in(school=school, texts=[conversation.concerns])
    heard = without_names(conversation.concerns, [speaker, *speaker.split(), *students])
    follow_up = services.follow_up_create(
        school=school,
        by=request.user,
        conversation=conversation,
        what=f"Look into: {heard}"[:300],
        heard=heard[:300],
        owner=owner,
        # Never before the visit (one saved with a future date before visits were checked).
        due_on=max(
            timezone.localdate() + datetime.timedelta(days=FOLLOW_UP_DAYS), conversation.visit.date
        ),
    )
    if request.htmx:
        return render(request, "rounding/follow_up_made.html", {"follow_up": follow_up})
    messages.success(request, "Follow-up created. Check the wording staff will read.")
    return redirect(follow_up)


def follow_up_for_user(request: HtmxHttpRequest, pk: int) -> FollowUp:
    return visible_or_404(
        request, FollowUp.objects.select_related("school", "owner", "created_by"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    follow_up = follow_up_for_user(request, pk)
    can_change = may_change_status(request.user, follow_up)
    form = StatusForm(initial={"status": follow_up.status, "reason": follow_up.reason})
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("Only the owner, the principal or district leaders change this.")
        form = StatusForm(request.POST)
        if form.is_valid():
            try:
                follow_up.change_status(
                    to=form.cleaned_data["status"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Now {follow_up.get_status_display().lower()}.")
                return redirect(follow_up)
    conversation = (
        Conversation.objects.visible_to(request.user)
        .filter(pk=follow_up.conversation_id)
        .select_related("visit", "person")
        .first()
    )
    return render(
        request,
        "rounding/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "changes": follow_up.changes.select_related("by"),
            "form": form,
            "can_change": can_change,
            "can_edit": request.user.is_district_leader,
            "conversation": conversation,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    follow_up = follow_up_for_user(request, pk)
    if not request.user.is_district_leader:
        raise PermissionDenied("District leaders edit the wording of a follow-up.")
    initial = {f: getattr(follow_up, f) for f in ("what", "heard", "owner", "due_on")}
    form = FollowUpForm(request.POST or None, initial=initial, district_id=follow_up.district_id)
    if form.is_valid():
        for field, value in form.cleaned_data.items():
            setattr(follow_up, field, value)
        try:
            # The model knows what a follow-up may be (not due before its visit).
            follow_up.full_clean(exclude=["owner", "school", "district", "conversation"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            follow_up.save(update_fields=list(form.cleaned_data))
            messages.success(request, "Follow-up saved.")
            return redirect(follow_up)
    return render(request, "rounding/follow_up_edit.html", {"follow_up": follow_up, "form": form})


# School pages ---------------------------------------------------------------------------


@login_required
def my_school(request: HtmxHttpRequest) -> HttpResponse:
    """The nav entry for principals and staff: their school's rounding page."""
    schools = list(
        request.user.schools.filter(district_id=request.user.district_id).order_by("name")
    )
    if len(schools) == 1:
        return redirect("rounding:school", schools[0].pk)
    return render(request, "rounding/my_school.html", {"schools": schools})


OPEN_PAGE_SIZE = 12
DONE_PAGE_SIZE = 5
# What a stoplight row shows; of the owner, the name only.
STOPLIGHT_FIELDS = ["what", "heard", "due_on", "status", "reason", "owner__name"]
CELEBRATION_FIELDS = ["what", "name", "shared", "person__name"]


@login_required
def school_report(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The stoplight report, shareable with the school's staff: no names of who raised what.

    What is still open comes first, a page at a time; of what is done, the latest few, with
    older ones a tap away.
    """
    school = school_or_404(request, pk)
    if not may_see_stoplight(request.user, school):
        raise Http404("No such page.")
    # Whoever may see the stoplight sees every follow-up of the school.
    follow_ups = FollowUp.objects.filter(district_id=school.district_id, school=school)
    counts = dict(follow_ups.values_list("status").annotate(n=Count("pk")).order_by())
    rows = follow_ups.select_related("owner").only(*STOPLIGHT_FIELDS)
    done = counted_page(
        rows.filter(status=FollowUp.Status.GREEN).order_by(
            F("done_at").desc(nulls_last=True), "-pk"
        ),
        request.GET.get("done"),
        DONE_PAGE_SIZE,
        count=counts.get(FollowUp.Status.GREEN, 0),
    )
    follow_up_url = url_for_each("rounding:follow_up")
    for follow_up in done:
        follow_up.url = follow_up_url(follow_up.pk)
    if request.htmx and not request.htmx.boosted and "done" in request.GET:
        return render(request, "rounding/school_report.html#done", {"school": school, "done": done})
    open_page = counted_page(
        rows.open().order_by("status", "due_on", "pk"),
        request.GET.get("page"),
        OPEN_PAGE_SIZE,
        count=counts.get(FollowUp.Status.RED, 0) + counts.get(FollowUp.Status.YELLOW, 0),
    )
    for follow_up in open_page:
        follow_up.url = follow_up_url(follow_up.pk)
    red = [f for f in open_page if f.status == FollowUp.Status.RED]
    yellow = [f for f in open_page if f.status == FollowUp.Status.YELLOW]
    today = timezone.localdate()
    since = today - datetime.timedelta(days=120)
    heard = (
        Conversation.themes.through.objects.filter(
            theme__district_id=school.district_id,
            conversation__district_id=school.district_id,
            conversation__visit__school=school,
            conversation__visit__date__gte=since,
        )
        .values("theme_id", name=F("theme__name"))
        .annotate(n=Count("pk"))
        .order_by("-n", "name")
    )
    concerns = dict.fromkeys(f.heard for f in [*red, *yellow] if f.heard)
    # As `Celebration.objects.visible_to`, for a school the reader is known to belong to:
    # leaders and its principal see every celebration, its staff the shared ones.
    leader = request.user.is_district_leader
    celebrations = Celebration.objects.filter(district_id=school.district_id, school=school)
    if not (leader or request.user.role == Role.PRINCIPAL):
        celebrations = celebrations.filter(shared=True)
    return render(
        request,
        "rounding/school_report.html",
        {
            "school": school,
            "counts": {status: counts.get(status, 0) for status in FollowUp.Status.values},
            "page": open_page,
            "red": red,
            "yellow": yellow,
            "done": done,
            "today": today,
            "heard": heard,
            "concerns_heard": list(concerns)[:10],
            "celebrations": celebrations.select_related("person").only(*CELEBRATION_FIELDS)[:6],
            "leader": leader,
        },
    )


@login_required
def briefing(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    require_district_leader(request)
    school = school_or_404(request, pk)
    context = selectors.briefing(request.user, school)
    context["school"] = school
    return render(request, "rounding/briefing.html", context)


@login_required
def coverage(request: HtmxHttpRequest) -> HttpResponse:
    require_district_leader(request)
    context = selectors.coverage(request.user, page_number=request.GET.get("page"))
    briefing_url = url_for_each("rounding:briefing")
    for row in context["rows"]:
        row["briefing_url"] = briefing_url(row["school"].pk)
    return render(request, "rounding/coverage.html", context)


@login_required
def themes(request: HtmxHttpRequest) -> HttpResponse:
    """Counts per theme per month; district leaders also read the conversations behind a count."""
    if not may_see_themes(request.user):
        raise Http404("No such page.")
    leader = request.user.is_district_leader
    school_ids = None if leader else list(request.user.schools.values_list("pk", flat=True))
    context = selectors.theme_counts(district_id=request.user.district_id, school_ids=school_ids)
    context["leader"] = leader
    theme_pk, month = query_id(request, "theme"), query_text(request, "month")
    if leader and theme_pk and re.fullmatch(r"[0-9]{4}-[0-9]{2}", month):
        try:
            start = datetime.date.fromisoformat(f"{month}-01")
        except ValueError:
            start = None
        theme = Theme.objects.filter(district_id=request.user.district_id, pk=theme_pk).first()
        if start and theme:
            end = (start + datetime.timedelta(days=32)).replace(day=1)
            behind = (
                Conversation.objects.visible_to(request.user)
                .filter(themes=theme, visit__date__gte=start, visit__date__lt=end)
                .select_related("person", "visit__school")
                .order_by("-visit__date", "pk")
            )
            context.update(
                theme=theme, month=start, behind=counted_page(behind, request.GET.get("page"))
            )
    return render(request, "rounding/themes.html", context)


# Celebrations ---------------------------------------------------------------------------


@login_required
def celebrations(request: HtmxHttpRequest, school_pk: int | None = None) -> HttpResponse:
    school = school_or_404(request, school_pk) if school_pk else None
    rows = Celebration.objects.visible_to(request.user).select_related("school", "person")
    if school:
        rows = rows.filter(school=school)
    page = counted_page(rows.order_by("-created_at", "-pk"), request.GET.get("page"))
    # One query for the principal's schools, not one per celebration.
    leader = request.user.is_district_leader
    principal_of = (
        set(request.user.schools.values_list("pk", flat=True))
        if request.user.role == Role.PRINCIPAL
        else set()
    )
    for celebration in page:
        celebration.can_acknowledge = celebration.acknowledged_on is None and (
            leader or celebration.school_id in principal_of
        )
    return render(request, "rounding/celebrations.html", {"school": school, "page": page})


@login_required
@require_POST
def celebration_acknowledge(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    celebration = visible_or_404(request, Celebration.objects.select_related("school"), pk=pk)
    if not may_acknowledge(request.user, celebration):
        raise PermissionDenied(
            "District leaders and the school's principal acknowledge recognitions."
        )
    try:
        celebration.acknowledge()
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Recognition of {celebration.who} acknowledged.")
    back = request.POST.get("next", "")
    # Only a page of rounding, and only an address a link could hold (no line breaks).
    if back.startswith("/rounding/") and back.isprintable():
        return redirect(back)
    return redirect("rounding:celebrations")
