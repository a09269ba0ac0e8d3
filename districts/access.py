"""The one way views of this app fetch a row: scoped to what the signed-in person may see."""

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404


def visible_or_404[M: Model](request: HttpRequest, queryset: QuerySet[M], **lookup) -> M:
    """Return the row if the user may see it, else raise Http404 (never 403: no row is confirmed)."""
    return get_object_or_404(queryset.visible_to(request.user), **lookup)
