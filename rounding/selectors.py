"""Reads that pages outside this app gather (the district home, the check-ins app)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from .models import RECOGNITION_ACK_HOURS, Celebration, FollowUp, may_log_visits


def open_follow_ups(*, school_ids: Iterable[int]) -> QuerySet[FollowUp]:
    """Follow-ups not yet green at these schools, soonest due first, with owner and school.

    The check-ins app calls this to suggest agenda items; keep the signature stable.
    """
    return (
        FollowUp.objects.filter(school_id__in=list(school_ids))
        .open()
        .select_related("owner", "school")
        .order_by("due_on", "pk")
    )


def home_summary(user) -> dict:
    """What the district home shows of rounding for this person: a few queries, any data size."""
    if not user.is_authenticated or user.district_id is None:
        return {}
    mine = list(
        FollowUp.objects.visible_to(user)
        .open()
        .filter(owner=user)
        .select_related("school")
        .order_by("due_on", "pk")[:5]
    )
    summary = {"my_follow_ups": mine, "today": timezone.localdate()}
    if may_log_visits(user):
        summary["awaiting_acknowledgement"] = (
            Celebration.objects.visible_to(user)
            .filter(
                acknowledged_on__isnull=True,
                created_at__lt=timezone.now() - datetime.timedelta(hours=RECOGNITION_ACK_HOURS),
            )
            .count()
        )
        summary["leader"] = True
    return summary
