"""Demo check-ins for both districts: pairs, past meetings with notes, agendas and a school break."""

import datetime

from django.db import transaction
from django.utils import timezone

from districts.models import Role, Theme, User

from . import cadence, services
from .models import ActionItem, AgendaItem, CheckIn, CheckInPair, PrivateNote, Problem, SchoolBreak

WEEKS_BACK = 10
TIMES = [datetime.time(9, 0), datetime.time(10, 30), datetime.time(13, 0), datetime.time(15, 30)]

PAST_AGENDA = [
    ("celebration", "Attendance at family night doubled since the autumn."),
    ("high_performers", "Our two strongest grade 3 teachers asked about coaching roles."),
    ("problem", "Substitutes are hard to find on Fridays."),
    ("critical_conversation", "Preparing the talk with the grade 5 team about planning time."),
    ("decision", "Whether to move the start of the day by ten minutes."),
    ("question", "How other schools schedule intervention blocks."),
]
NOTES = [
    "Walked through the attendance data together; the morning greeting is working.",
    "Talked about keeping our best teachers: a coaching stipend is worth asking for.",
    "Friday cover remains the hardest part of the week. Agreed on a pool with two schools.",
    "Principal is tired but clear about priorities. Planning time conversation went well.",
]
PROBLEMS = [
    ("Friday substitutes are scarce", ["Staffing"]),
    ("Teachers feel the new reporting adds hours", ["Workload"]),
    ("Buses late three mornings this month", ["Facilities"]),
    ("Families hear about changes from social media first", ["Communication"]),
]


def seed(districts, *, password: str) -> None:
    for district in districts:
        seed_district(district)


@transaction.atomic
def seed_district(district) -> None:
    today = timezone.localdate()
    now = timezone.now()
    people = User.objects.filter(district=district)
    superintendent = people.filter(role=Role.SUPERINTENDENT).first()
    assistant = people.filter(title="assistant superintendent").first() or superintendent
    principals = list(people.filter(role=Role.PRINCIPAL).prefetch_related("schools").order_by("pk"))
    themes = {theme.name: theme for theme in Theme.objects.filter(district=district)}
    starts_on = today - datetime.timedelta(weeks=WEEKS_BACK)

    # A week off three weeks from now, so the calendar shows a skipped date.
    break_start = today + datetime.timedelta(days=21 - today.weekday())
    SchoolBreak.objects.create(
        district=district,
        name="Mid-term break",
        starts_on=break_start,
        ends_on=break_start + datetime.timedelta(days=4),
    )

    # The demo principal (the first, at the first school) first in the list.
    principals.sort(key=lambda p: 0 if (p.email or "").startswith("principal@") else 1)
    for index, principal in enumerate(principals):
        school = principal.schools.first()
        if school is None:
            continue
        supervisor = superintendent if index < 3 else assistant
        pair = CheckInPair.objects.create(
            district=district,
            supervisor=supervisor,
            principal=principal,
            school=school,
            weekday=(1 + index) % 5,
            local_time=TIMES[index % len(TIMES)],
            starts_on=starts_on,
        )
        past_days = cadence.cadence_dates(
            starts_on=starts_on,
            weekday=pair.weekday,
            interval_weeks=pair.interval_weeks,
            since=starts_on,
            until=today - datetime.timedelta(days=1),
        )
        meetings = []
        for number, day in enumerate(past_days):
            missed = index == 4 and number == len(past_days) - 1
            meeting = CheckIn.objects.create(
                district=district,
                pair=pair,
                cadence_on=day,
                scheduled_at=cadence.instant(day, pair.local_time, district.timezone),
                status=CheckIn.Status.MISSED if missed else CheckIn.Status.HELD,
                pulse=None if missed else 2 + (number + index) % 4,
                shared_notes="" if missed else NOTES[(number + index) % len(NOTES)],
                reflection="" if missed else "Less reporting, more listening next time.",
            )
            meetings.append(meeting)
            if missed:
                continue
            kind, text = PAST_AGENDA[(number + index) % len(PAST_AGENDA)]
            item = AgendaItem.objects.create(
                district=district,
                pair=pair,
                check_in=meeting,
                added_by=principal,
                kind=kind,
                text=text,
            )
            if number < len(past_days) - 1:
                item.resolved_at = now
                item.resolved_in = meeting
                item.save()
            problem_text, theme_names = PROBLEMS[(number + index) % len(PROBLEMS)]
            problem = Problem.objects.create(
                district=district,
                check_in=meeting,
                school=school,
                text=problem_text,
                raised_on=day,
            )
            problem.themes.set([themes[name] for name in theme_names if name in themes])
            # Staffing comes up everywhere in the last weeks: an emerging problem.
            if number >= len(past_days) - 2 and "Staffing" in themes:
                problem.themes.add(themes["Staffing"])
        if meetings:
            last = meetings[-1]
            ActionItem.objects.create(
                district=district,
                pair=pair,
                check_in=last,
                owner=principal,
                text="Share the Friday cover plan with the two neighbouring schools.",
                due_on=today + datetime.timedelta(days=7),
            )
            ActionItem.objects.create(
                district=district,
                pair=pair,
                check_in=meetings[0],
                owner=supervisor,
                text="Ask the board about a coaching stipend.",
                due_on=today - datetime.timedelta(days=3),
            )
            PrivateNote.objects.create(
                check_in=last,
                author=principal,
                text="I did not say it, but I am unsure about next year's schedule.",
            )
    services.occurrences_plan(today=today)
    # Something on the demo principal's next agenda, added by each side.
    demo_principal = principals[0] if principals else None
    if demo_principal is not None:
        upcoming = (
            CheckIn.objects.filter(pair__principal=demo_principal, scheduled_at__gt=now)
            .order_by("scheduled_at")
            .first()
        )
        if upcoming is not None:
            AgendaItem.objects.create(
                district=district,
                pair=upcoming.pair,
                check_in=upcoming,
                added_by=demo_principal,
                kind="high_performers",
                text="Ms. Ortiz is thinking about leaving: how do we keep her?",
            )
            AgendaItem.objects.create(
                district=district,
                pair=upcoming.pair,
                check_in=upcoming,
                added_by=upcoming.pair.supervisor,
                kind="celebration",
                text="Reading scores in grade 2: tell the team.",
            )
