"""Demo history for the journey: two school years of check-in pulses with a dip after the
launch of a new grading policy and the climb out of it, rounding that hears more of what is
working as the year goes on, follow-ups done, celebrations, and the milestones leaders drew.

It runs after the other apps' demo data and writes only months before theirs begins, so their
recent weeks stay as they seeded them.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from districts.models import Role, User
from principals import cadence
from principals.models import CheckIn, CheckInPair
from rounding import services as rounding_services
from rounding.models import Celebration, FollowUp

from .journey import school_year_months
from .models import Milestone

# The district's average pulse each month from last August: a dip after the grading policy
# (September), the way out of it by spring, a smaller dip at the start of the new year.
PULSE = [3.8, 3.4, 2.6, 2.2, 2.4, 2.8, 3.1, 3.4, 3.6, 3.8, 3.9, 3.5, 3.2, 3.6, 3.9, 4.1]
SPREAD = [-1, 0, 0, 1, 0, 0]  # each principal's difference from the month's average
MILESTONES = [
    (1, 2, "New grading policy"),
    (5, 8, "Late-start Wednesdays begin"),
    (13, 4, "Student-led conferences begin"),
]
WORKING = "Teachers plan together on late-start Wednesdays."
CONCERN = "The new grading takes hours we do not have."
# Recent weeks belong to the other demos (check-ins from 10 weeks back, rounding from 96 days).
RECENT_DAYS = 100


def seed(districts, *, password: str) -> None:
    for district in districts:
        seed_district(district)


@transaction.atomic
def seed_district(district) -> None:
    today = timezone.localdate()
    months = school_year_months(today)
    recent = today - datetime.timedelta(days=RECENT_DAYS)
    people = User.objects.filter(district=district)
    superintendent = people.filter(role=Role.SUPERINTENDENT).first()
    for index, day_of_month, title in MILESTONES:
        if index < len(months):
            Milestone.objects.create(
                district=district,
                day=months[index].replace(day=day_of_month),
                title=title,
                created_by=superintendent,
            )

    pairs = list(CheckInPair.objects.filter(district=district).order_by("pk"))
    schools = list(district.schools.order_by("pk"))
    principals = list(people.filter(role=Role.PRINCIPAL).order_by("pk"))
    for i, month in enumerate(months):
        if month.replace(day=20) >= recent:
            break
        low = PULSE[i % len(PULSE)]
        for p, pair in enumerate(pairs):
            day = month.replace(day=10 + p)
            CheckIn.objects.create(
                district=district,
                pair=pair,
                scheduled_at=cadence.instant(day, pair.local_time, district.timezone),
                status=CheckIn.Status.HELD,
                pulse=max(1, min(5, round(low + SPREAD[p % len(SPREAD)]))),
                shared_notes="Talked through how the term is going.",
            )
        # Rounding: one school a month, five people met; what is working grows out of the dip.
        school = schools[i % len(schools)]
        met = list(people.filter(schools=school, role=Role.TEACHER).order_by("pk")[:5])
        if superintendent is None or len(met) < 4:
            continue
        visit = rounding_services.visit_start(
            school=school, by=superintendent, date=month.replace(day=12)
        )
        working_share = (low - 1) / 4
        for n, person in enumerate(met):
            rounding_services.conversation_add(
                visit=visit,
                person=person,
                working=WORKING if n < round(working_share * len(met)) + 1 else "",
                concerns=CONCERN if n >= round(working_share * len(met)) - 1 else "",
            )
        done_at = timezone.make_aware(
            datetime.datetime.combine(month.replace(day=25), datetime.time(15))
        )
        # Small wins: more follow-ups done and more celebrations as the dip is left behind.
        wins = max(4, round(low * 2))
        for n in range(wins):
            owner = principals[n % len(principals)]
            FollowUp.objects.create(
                district=district,
                school=owner.schools.first() or school,
                what="Protect Wednesday planning time from meetings.",
                owner=owner,
                due_on=month.replace(day=20),
                status=FollowUp.Status.GREEN,
                done_at=done_at,
                created_by=superintendent,
                created_at=done_at - datetime.timedelta(days=12),
            )
            celebration = rounding_services.celebration_record(
                school=school,
                by=superintendent,
                person=met[n % len(met)],
                what="Led the first student-led conference practice.",
            )
            Celebration.objects.filter(pk=celebration.pk).update(created_at=done_at)
