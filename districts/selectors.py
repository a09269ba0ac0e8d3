"""Reads other pages gather from this app (the district home)."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import (
    CodeOfCooperationRevision,
    District,
    GuidingPrinciple,
    GuidingPrincipleRevision,
    LeadershipTeam,
    School,
    SharedPurposeRevision,
    TeamMembership,
    User,
)

RECENT_DAYS = 120


def count_of(queryset):
    """A correlated COUNT of the rows of `queryset` in the outer district."""
    return Subquery(
        queryset.filter(district_id=OuterRef("pk"))
        .order_by()
        .values("district_id")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def district_with_counts(user: User, **annotations) -> District:
    """The user's district with how many schools, people and teams they can see, in one query.

    Pages that gather from several apps pass their own `annotations` (correlated subqueries on
    the district) to ride on the same query.
    """
    current_purpose = SharedPurposeRevision.objects.filter(
        purpose__district_id=OuterRef("pk"), purpose__school__isnull=True
    )
    return District.objects.annotate(
        school_count=Coalesce(count_of(School.objects.visible_to(user)), 0),
        people_count=Coalesce(count_of(User.objects.visible_to(user)), 0),
        team_count=Coalesce(count_of(LeadershipTeam.objects.visible_to(user)), 0),
        # The current wording of the district's purpose (the revisions' own order, newest first).
        purpose_revision_id=Subquery(current_purpose.values("pk")[:1]),
        purpose_text=Subquery(current_purpose.values("text")[:1]),
        purpose_adopted_on=Subquery(current_purpose.values("adopted_on")[:1]),
        purpose_review_on=Subquery(current_purpose.values("review_on")[:1]),
        **annotations,
    ).get(pk=user.district_id)


def district_overview(user: User, **annotations) -> dict:
    today = timezone.localdate()
    since = today - datetime.timedelta(days=RECENT_DAYS)
    district = district_with_counts(user, **annotations)
    purpose_revision = None
    if district.purpose_revision_id is not None:
        purpose_revision = SharedPurposeRevision(
            pk=district.purpose_revision_id,
            text=district.purpose_text,
            adopted_on=district.purpose_adopted_on,
            review_on=district.purpose_review_on,
        )
    principle_revisions = GuidingPrincipleRevision.objects.filter(
        principle__district_id=user.district_id
    )
    purpose_revisions = SharedPurposeRevision.objects.filter(purpose__district_id=user.district_id)
    recent = sorted(
        [
            *principle_revisions.filter(adopted_on__gte=since).select_related("principle__school")[
                :5
            ],
            *purpose_revisions.filter(adopted_on__gte=since).select_related("purpose__school")[:5],
        ],
        key=lambda revision: revision.adopted_on,
        reverse=True,
    )[:6]
    latest_review = GuidingPrincipleRevision.objects.filter(principle=OuterRef("pk")).values(
        "review_on"
    )[:1]
    due = (
        GuidingPrinciple.objects.visible_to(user)
        .filter(retired_on__isnull=True)
        .annotate(review_on=Subquery(latest_review))
        .filter(review_on__lte=today + datetime.timedelta(days=30))
        .select_related("school")
        .order_by("review_on")[:5]
    )
    my_teams = (
        TeamMembership.objects.current()
        .filter(user=user)
        .select_related("team__school")
        .order_by("team__name")
    )
    my_codes_due = []
    if user.is_teacher:
        my_codes_due = (
            CodeOfCooperationRevision.objects.filter(code__teacher=user, review_on__lte=today)
            .select_related("code")
            .order_by("review_on")[:5]
        )
    return {
        "district": district,
        "purpose_revision": purpose_revision,
        "recent_revisions": recent,
        "reviews_due": due,
        "my_teams": my_teams,
        "my_codes_due": my_codes_due,
        "today": today,
    }
