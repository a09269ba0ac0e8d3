"""Which districts' daily digests are due: each district's own hour, in its own zone.

Beat asks every hour. A district is due from its digest hour until the end of its local day
and is claimed for that day with one conditional update, so a second beat run in the same hour,
an hour that a clock change repeats or a missed hour still gives one digest run a day.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q

from districts.models import District

from .models import Email, Notification

# People outside any district (platform operators) keep the old fixed time.
UNZONED_HOUR_UTC = 12


def districts_claim(now: datetime.datetime) -> list[int]:
    """The districts whose digest is due at `now` and not yet run today, claimed for today."""
    claimed = []
    rows = District.objects.values_list("pk", "timezone", "digest_hour", "digest_sent_on")
    for pk, zone, hour, sent_on in rows:
        local = now.astimezone(ZoneInfo(zone))
        if local.hour < hour or sent_on == local.date():
            continue
        won = (
            District.objects.filter(pk=pk)
            .exclude(digest_sent_on=local.date())
            .update(digest_sent_on=local.date())
        )
        if won:
            claimed.append(pk)
    return claimed


def recipients_due(now: datetime.datetime) -> list[int]:
    """The people with notices waiting for a digest that goes out now."""
    whose = Q(recipient__district_id__in=districts_claim(now))
    if now.astimezone(datetime.UTC).hour == UNZONED_HOUR_UTC:
        whose |= Q(recipient__district__isnull=True)
    return list(
        Notification.objects.filter(whose, email=Email.DIGEST)
        .values_list("recipient_id", flat=True)
        .order_by()
        .distinct()
    )
