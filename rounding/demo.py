"""Demo rows of rounding: a term of visits in both districts, added after the districts' demo data."""

import datetime
import itertools

from django.db import transaction
from django.utils import timezone

from districts.models import Role, Theme, User

from . import services
from .models import Celebration, Conversation, RoleGroup

# What people say on a visit, in the demo's own words: (working, recognition, concerns, ideas).
TALK = {
    RoleGroup.COOK: [
        (
            "Students try the new soup of the day and come back for seconds.",
            "The morning crew sets up breakfast before the buses arrive.",
            "The dish machine breaks down twice a week and we wash trays by hand.",
            "Let students vote on one menu item a month.",
        ),
        (
            "Fresh fruit bar is empty by the end of lunch.",
            "",
            "Lunch lines run past the bell, so the last classes eat in ten minutes.",
            "Open a second serving window on Fridays.",
        ),
    ],
    RoleGroup.CUSTODIAN: [
        (
            "Teachers leave rooms ready for the evening clean.",
            "The day custodian fixed the gym lights on a Saturday.",
            "We have no spare parts for the old boiler.",
            "Walk the building with us once a term.",
        ),
    ],
    RoleGroup.NEW_TEACHER: [
        (
            "My mentor meets me every Tuesday and it helps.",
            "The grade-level team shares every unit plan.",
            "I still do not know who to ask about ordering supplies.",
            "A one-page guide for new staff: who does what.",
        ),
        (
            "Students are kind to each other in my room.",
            "",
            "Three new systems in the first month was a lot.",
            "Stagger the training over the first term.",
        ),
    ],
    RoleGroup.TEACHER: [
        (
            "Showing mastery with projects has students talking about their learning.",
            "The coach modelled a lesson in my room.",
            "Grading for mastery takes more evenings than we planned.",
            "Shared rubrics across the grade level.",
        ),
    ],
    RoleGroup.TEACHER_LEADER: [
        (
            "Teams bring student work to every meeting now.",
            "Two teachers opened their classrooms for peer visits.",
            "Meeting time is eaten by announcements.",
            "Put announcements in a written note and keep meetings for student work.",
        ),
    ],
    RoleGroup.PRINCIPAL: [
        (
            "Attendance is up since the family calls started.",
            "The office manager keeps the whole building calm.",
            "Substitute coverage fails on Mondays.",
            "A pool of building substitutes shared with the next school.",
        ),
    ],
    RoleGroup.STUDENT: [
        (
            "The library is open at lunch now.",
            "Our science teacher lets us redo a test when we are ready.",
            "The bathrooms on the second floor are often locked.",
            "More clubs after school.",
        ),
    ],
    RoleGroup.STAFF: [
        (
            "Check-in groups help students who were struggling.",
            "",
            "My caseload doubled this year.",
            "A shared calendar for counselling rooms.",
        ),
    ],
    RoleGroup.FAMILY: [
        (
            "The weekly newsletter tells me what is coming.",
            "",
            "Pick-up traffic is unsafe at the side entrance.",
            "A second pick-up lane with a staff member.",
        ),
    ],
}


def first_name(person: User) -> str:
    return person.name.split()[0]


@transaction.atomic
def seed_district(district, *, password: str) -> None:
    today = timezone.localdate()
    schools = list(district.schools.order_by("pk"))
    people = list(User.objects.filter(district=district).prefetch_related("schools"))
    superintendent = next(p for p in people if p.role == Role.SUPERINTENDENT)
    leaders = [p for p in people if p.role == Role.DISTRICT_LEADER]
    themes = list(Theme.objects.filter(district=district).order_by("pk"))
    theme_cycle = itertools.cycle(themes)

    def at(school, test):
        return [p for p in people if test(p) and school in p.schools.all()]

    # Visits every few weeks; the last school has been left alone too long, so coverage flags it.
    plans = {0: [96, 61, 33, 12, 2], 1: [90, 47, 9], 2: [84, 40], 3: [75, 27], 4: [68, 19]}
    plans[len(schools) - 1] = [88]
    for index, school in enumerate(schools):
        principal = next(iter(at(school, lambda p: p.role == Role.PRINCIPAL)), None)
        roster = {
            RoleGroup.PRINCIPAL: at(school, lambda p: p.role == Role.PRINCIPAL),
            RoleGroup.COOK: at(school, lambda p: "cook" in p.title),
            RoleGroup.CUSTODIAN: at(school, lambda p: "custodian" in p.title),
            RoleGroup.NEW_TEACHER: at(school, lambda p: p.title == "new teacher"),
            RoleGroup.TEACHER: at(school, lambda p: p.role == Role.TEACHER and not p.title),
            RoleGroup.TEACHER_LEADER: at(school, lambda p: p.role == Role.TEACHER_LEADER),
            RoleGroup.STAFF: at(school, lambda p: p.title == "counselor"),
            RoleGroup.FAMILY: at(school, lambda p: p.role == Role.FAMILY),
        }
        students = at(school, lambda p: p.role == Role.STUDENT)
        groups = itertools.cycle(list(TALK))
        for visit_number, days_ago in enumerate(plans.get(index, [70])):
            date = today - datetime.timedelta(days=days_ago)
            visitors = [superintendent, *leaders[visit_number % 2 : visit_number % 2 + 1]]
            visit = services.visit_start(
                school=school,
                by=superintendent,
                date=date,
                visitors=visitors,
                purpose="Lunch, the kitchen and the new teachers"
                if visit_number % 2 == 0
                else "Classrooms and the front office",
            )
            visit.summary = "Warm welcome; the kitchen and the new staff need our help most."
            visit.save(update_fields=["summary"])
            for talk_number in range(3):
                group = next(groups)
                working, recognition, concerns, ideas = TALK[group][
                    (visit_number + talk_number) % len(TALK[group])
                ]
                candidates = roster.get(group, [])
                person = candidates[talk_number % len(candidates)] if candidates else None
                name = ""
                if group == RoleGroup.STUDENT:
                    # Students are noted by first name only.
                    name = first_name(students[0]) if students else "Jamie"
                elif person is None:
                    name = {RoleGroup.COOK: "Marisol", RoleGroup.CUSTODIAN: "Dale"}.get(
                        group, "A visitor"
                    )
                conversation = services.conversation_add(
                    visit=visit,
                    person=person,
                    name=name,
                    role_group=group if person is None else "",
                    working=working,
                    recognition=recognition,
                    concerns=concerns,
                    ideas=ideas,
                    themes=[next(theme_cycle), next(theme_cycle)][: 1 + talk_number % 2],
                )
                Conversation.objects.filter(pk=conversation.pk).update(
                    created_at=timezone.make_aware(
                        datetime.datetime.combine(date, datetime.time(10, talk_number * 15))
                    )
                )
                if concerns and talk_number == 0 and principal is not None:
                    follow_up = services.follow_up_create(
                        school=school,
                        by=superintendent,
                        conversation=conversation,
                        what=f"Look into: {concerns}",
                        heard=concerns,
                        owner=principal if visit_number % 2 == 0 else (leaders or [principal])[0],
                        due_on=date + datetime.timedelta(days=21),
                    )
                    colour = (index + visit_number) % 4
                    if colour == 1:
                        follow_up.change_status(
                            to="green",
                            by=follow_up.owner,
                            reason="Done and reported back at the staff meeting.",
                        )
                    elif colour == 2:
                        follow_up.change_status(
                            to="red",
                            by=follow_up.owner,
                            reason="Not in this year's budget; it is on next year's list.",
                        )
            celebration = services.celebration_record(
                school=school,
                visit=visit,
                by=superintendent,
                person=roster[RoleGroup.COOK][0] if roster[RoleGroup.COOK] else None,
                name="" if roster[RoleGroup.COOK] else "The kitchen team",
                what="Served every student a hot breakfast during the testing week.",
                shared=visit_number % 3 != 2,
            )
            Celebration.objects.filter(pk=celebration.pk).update(
                created_at=timezone.make_aware(datetime.datetime.combine(date, datetime.time(11))),
                acknowledged_on=date + datetime.timedelta(days=1) if visit_number % 2 else None,
            )


def seed(districts, *, password: str) -> None:
    for district in districts:
        seed_district(district, password=password)
