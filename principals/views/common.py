"""Helpers shared by the check-in views."""

from django.http import Http404

from districts.access import visible_or_404
from districts.web import HtmxHttpRequest

from ..models import CheckIn, can_edit_check_in


def check_in_for_user(request: HtmxHttpRequest, pk: int) -> CheckIn:
    """The meeting if the user is one of the pair or the superintendent, else 404."""
    check_in = visible_or_404(
        request,
        CheckIn.objects.select_related("pair__principal", "pair__supervisor", "pair__school"),
        pk=pk,
    )
    # visible_to finds meetings of the user's own district only, which came with the user.
    check_in.pair.district = request.user.district
    return check_in


def editable_check_in(request: HtmxHttpRequest, pk: int) -> CheckIn:
    """Only the two people in the meeting write in it; anyone else gets a 404."""
    check_in = check_in_for_user(request, pk)
    if not can_edit_check_in(request.user, check_in):
        raise Http404("Only the two people in the meeting write in it.")
    return check_in
