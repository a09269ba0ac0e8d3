"""A person's rounding history: every conversation with them, for those who may read notes."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from districts.access import visible_or_404
from districts.models import User
from districts.web import HtmxHttpRequest, counted_page

from ..models import Conversation


@login_required
def person_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """District leaders see every conversation; a visitor sees those of the visits they made."""
    user = request.user
    if not (user.is_district_leader or user.rounding_visits.exists()):
        raise Http404("No such page.")
    person = visible_or_404(request, User.objects, pk=pk)
    conversations = (
        Conversation.objects.visible_to(user)
        .filter(person=person)
        .select_related("visit__school")
        .prefetch_related("themes")
        .order_by("-visit__date", "-created_at", "-pk")
    )
    page = counted_page(conversations, request.GET.get("page"))
    return render(request, "rounding/person_history.html", {"person": person, "page": page})
