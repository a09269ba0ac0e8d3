"""Visits and what is logged during one: conversations, celebrations, the summary."""

import datetime
import re
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from districts.access import visible_or_404
from districts.bounds import query_id, query_text
from districts.models import STAFF_ROLES, User
from districts.web import (
    HtmxHttpRequest,
    counted_page,
    render_page,
)

from .. import services
from ..forms import (
    CelebrationForm,
    ConversationForm,
    FollowUpForm,
    VisitFilterForm,
    VisitForm,
    VisitSummaryForm,
)
from ..models import (
    Conversation,
    FollowUp,
    RoundingChange,
    RoundingVisit,
    may_start_visits,
    visit_schools,
)
from .common import (
    FOLLOW_UP_DAYS,
    ROSTER_OPTIONS,
    draft_key,
    posted_person,
    roster_at,
    sent_by_its_author,
    visit_for_user,
)


@login_required
def visit_list(request: HtmxHttpRequest) -> HttpResponse:
    if not may_start_visits(request.user) and not request.user.rounding_visits.exists():
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
    if not may_start_visits(request.user):
        raise Http404("No such page.")
    schools = visit_schools(request.user)
    initial = {"date": timezone.localdate()}
    school_pk = query_id(request, "school")
    if school_pk:
        initial["school"] = schools.filter(pk=school_pk).first()
    form = VisitForm(
        request.POST or None,
        initial=initial,
        district_id=request.user.district_id,
        schools=schools,
    )
    if form.is_valid():
        visit = services.visit_start(by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Visit to %(school)s started. Log each conversation as you go.")
            % {"school": visit.school},
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
        .order_by("-created_at", "-pk")  # the one just saved first, under the form
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
        "conversation_key": draft_key(visit, "conversation", request.user),
        "celebration_key": draft_key(visit, "celebration", request.user),
        "summary_key": draft_key(visit, "summary", request.user),
        "saved": saved,
    }


def service_worker(request: HtmxHttpRequest) -> HttpResponse:
    """The offline helper of the visit pages, served under /rounding/ so that it may look after them."""
    path = finders.find("rounding/sw.js")
    response = HttpResponse(Path(path).read_bytes(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def visit_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    visit = visit_for_user(request, pk)
    context = visit_context(request, visit)
    context["visitors"] = visit.visitors.all()
    context["history"] = (
        RoundingChange.objects.visible_to(request.user)
        .filter(visit_id=visit.pk)
        .select_related("by")[:20]
    )
    # After a save without htmx, the page tells draft.js which draft to forget.
    saved_form = request.GET.get("saved", "")
    if saved_form in ("conversation", "celebration", "summary"):
        context["clear_draft"] = draft_key(visit, saved_form, request.user)
    return render(request, "rounding/visit_detail.html", context)


def back_to(visit: RoundingVisit, saved: str) -> HttpResponse:
    return redirect(f"{visit.get_absolute_url()}?saved={saved}")


@login_required
@require_POST
@sent_by_its_author
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
            messages.success(
                request, _("Conversation with %(name)s saved.") % {"name": saved.display_name}
            )
            if student_names:
                messages.warning(request, student_warning(student_names))
            return back_to(visit, "conversation")
        context = visit_context(request, visit, saved=saved)
        context["student_names"] = student_names
    context["visitors"] = visit.visitors.all()
    return render_page(request, "rounding/visit_detail.html", context, partial="conversations")


def student_warning(names) -> str:
    return _(
        "This note names %(names)s, a student at this school. Notes that name students are "
        "student records: keep them factual and share them only with those who need them."
    ) % {"names": ", ".join(names)}


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
@sent_by_its_author
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
            messages.success(
                request, _("Celebration of %(name)s recorded.") % {"name": celebration.who}
            )
            return back_to(visit, "celebration")
        context = visit_context(request, visit)
        context["celebration_saved"] = celebration
    else:
        context = visit_context(request, visit, celebration_form=form)
    return render_page(request, "rounding/visit_detail.html", context, partial="celebrations")


@login_required
@require_POST
@sent_by_its_author
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


def follow_up_draft(conversation: Conversation, *, by: User) -> dict:
    """The wording, owner and date offered for a check before staff read anything.

    The person who heard the concern owns it until they hand it on: they know what was said.
    """
    school = conversation.visit.school
    speaker = conversation.display_name
    students = services.student_names_in(school=school, texts=[conversation.concerns])
    heard = without_names(conversation.concerns, [speaker, *speaker.split(), *students])
    return {
        # A draft the person checks: a long concern is shortened visibly (…), never silently.
        "what": Truncator(_("Look into: %(heard)s") % {"heard": heard}).chars(300),
        "heard": Truncator(heard).chars(300),
        "owner": by if by.role in STAFF_ROLES else None,
        # Never before the visit (one saved with a future date before visits were checked).
        "due_on": max(
            timezone.localdate() + datetime.timedelta(days=FOLLOW_UP_DAYS), conversation.visit.date
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
@sent_by_its_author
def conversation_follow_up(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A concern drafted as a follow-up, checked, then published to the school's stoplight."""
    conversation = visible_or_404(
        request, Conversation.objects.select_related("visit__school", "person"), pk=pk
    )
    if not conversation.concerns:
        raise Http404("This conversation has no concern to follow up.")
    school = conversation.visit.school
    form = FollowUpForm(
        request.POST or None,
        initial=follow_up_draft(conversation, by=request.user),
        district_id=school.district_id,
    )
    if form.is_valid():
        try:
            follow_up = services.follow_up_create(
                school=school, by=request.user, conversation=conversation, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _("Follow-up published on the stoplight of %(school)s, owned by %(owner)s.")
                % {"school": school.name, "owner": follow_up.owner.name},
            )
            return redirect(f"{conversation.visit.get_absolute_url()}#conversation-{pk}")
    return render(
        request,
        "rounding/follow_up_review.html",
        {"conversation": conversation, "school": school, "form": form},
    )
