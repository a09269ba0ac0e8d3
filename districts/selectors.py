"""Reads other pages gather from this app (the district home)."""

import datetime

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from .models import (
    CodeOfCooperationRevision,
    GuidingPrinciple,
    GuidingPrincipleRevision,
    LeadershipTeam,
    School,
    SharedPurpose,
    SharedPurposeRevision,
    TeamMembership,
    User,
)

RECENT_DAYS = 120


def district_overview(user: User) -> dict:
    today = timezone.localdate()
    since = today - datetime.timedelta(days=RECENT_DAYS)
    purpose = (
        SharedPurpose.objects.visible_to(user)
        .filter(school__isnull=True)
        .prefetch_related(Prefetch("revisions", to_attr="prefetched_revisions"))
        .first()
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
        TeamMembership.objects.filter(user=user, left_on__isnull=True)
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
        "district": user.district,
        "purpose": purpose,
        "recent_revisions": recent,
        "reviews_due": due,
        "my_teams": my_teams,
        "my_codes_due": my_codes_due,
        "school_count": School.objects.visible_to(user).count(),
        "people_count": User.objects.visible_to(user).count(),
        "team_count": LeadershipTeam.objects.visible_to(user).count(),
        "today": today,
    }
