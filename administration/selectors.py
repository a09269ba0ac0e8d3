"""Reading the district's people with where their account stands."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from districts.models import Invitation

UNUSABLE = Q(password__startswith="!")
NEVER_SIGNED_IN = Q(last_login__isnull=True) & UNUSABLE

STATUSES = {
    "not_invited": _("Not invited"),
    "invited": _("Invited"),
    "active": _("Active"),
    "deactivated": _("Deactivated"),
    "left": _("Left"),
}


def with_invitations(people: QuerySet) -> QuerySet:
    return people.annotate(
        has_open_invitation=Exists(Invitation.objects.open().filter(user=OuterRef("pk")))
    )


def filter_status(people: QuerySet, status: str) -> QuerySet:
    """`people` (annotated by `with_invitations`) whose account is in `status`."""
    if status == "left":
        return people.filter(left_roster_at__isnull=False)
    if status == "deactivated":
        return people.filter(is_active=False, left_roster_at__isnull=True)
    active = people.filter(is_active=True)
    if status == "active":
        return active.exclude(NEVER_SIGNED_IN)
    if status == "invited":
        return active.filter(NEVER_SIGNED_IN, has_open_invitation=True)
    if status == "not_invited":
        return active.filter(NEVER_SIGNED_IN, has_open_invitation=False)
    return people


def status_of(person) -> str:
    """The same states for one person annotated by `with_invitations`."""
    if person.left_roster_at is not None:
        return "left"
    if not person.is_active:
        return "deactivated"
    if person.last_login is not None or person.has_usable_password():
        return "active"
    return "invited" if person.has_open_invitation else "not_invited"
