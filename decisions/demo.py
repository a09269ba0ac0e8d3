"""Demo rows of this app, added after the districts' demo data: decisions in every state."""

import datetime

from django.db import transaction
from django.utils import timezone

from districts.models import GuidingPrinciple, LeadershipTeam, Role, Theme, User

from . import services
from .models import Decision, DecisionRight, Involvement, Stakeholder


def _rights(district, district_team, school_team, learning_team) -> None:
    rows = [
        ("budget", "district", district_team, "", "decides", "Within the budget the board adopts"),
        ("budget", "school", None, Role.PRINCIPAL, "decides", "The school's discretionary funds"),
        ("budget", "school", school_team, "", "recommends", ""),
        ("schedule", "district", district_team, "", "decides", "Calendar and start times"),
        (
            "schedule",
            "school",
            school_team,
            "",
            "decides",
            "Bell schedule inside the district frame",
        ),
        ("schedule", "school", None, Role.TEACHER, "consulted", ""),
        ("curriculum", "district", learning_team, "", "recommends", ""),
        ("curriculum", "district", district_team, "", "decides", ""),
        ("curriculum", "school", None, Role.TEACHER_LEADER, "decides", "Units and assessments"),
        ("staffing", "school", None, Role.PRINCIPAL, "decides", "Hiring with a staff panel"),
        ("staffing", "district", district_team, "", "decides", ""),
        ("professional_learning", "school", school_team, "", "decides", ""),
        ("student_support", "school", None, Role.PRINCIPAL, "decides", ""),
        ("policy", "district", district_team, "", "recommends", "The board adopts policy"),
    ]
    DecisionRight.objects.bulk_create(
        DecisionRight(
            district=district,
            domain=domain,
            level=level,
            team=team,
            role=role,
            authority=authority,
            note=note,
        )
        for domain, level, team, role, authority, note in rows
    )


@transaction.atomic
def seed_district(district) -> None:
    now = timezone.now()
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    people = User.objects.filter(district=district)
    superintendent = people.get(role=Role.SUPERINTENDENT)
    teams = {t.name: t for t in LeadershipTeam.objects.filter(district=district)}
    district_team = teams["District leadership team"]
    learning_team = teams["Competency-based learning design team"]
    school_team = next(t for t in teams.values() if t.school_id)
    school = school_team.school
    principal = people.filter(role=Role.PRINCIPAL, schools=school).order_by("pk").first()
    teachers = list(people.filter(role=Role.TEACHER, schools=school).order_by("pk"))
    coach = people.filter(role=Role.TEACHER_LEADER).order_by("pk").first()
    new_teacher = people.filter(title="new teacher").order_by("pk").first()
    cook = people.filter(title="cook").order_by("pk").first()
    themes = {t.name: t for t in Theme.objects.filter(district=district)}
    principles = list(GuidingPrinciple.objects.filter(district=district, school__isnull=True))
    _rights(district, district_team, school_team, learning_team)

    def decision(title, context, *, team, by, stakeholders, **fields):
        return services.decision_create(
            district=district,
            by=by,
            title=title,
            context=context,
            owning_team=team,
            stakeholders=stakeholders,
            **fields,
        )

    at_school = [
        {
            "kind": Stakeholder.Kind.ROLE,
            "role": Role.TEACHER,
            "school": school,
            "involvement": Involvement.CONSULTED,
        },
        {"kind": Stakeholder.Kind.SCHOOL, "school": school, "involvement": Involvement.AFFECTED},
        {"kind": Stakeholder.Kind.TEAM, "team": school_team, "involvement": Involvement.DECIDES},
    ]

    # Draft: the school team is still shaping it.
    decision(
        "Student-led family conferences",
        "Families asked to hear from their children directly. Conferences would be run by "
        "students, with the teacher as host.",
        team=school_team,
        by=principal,
        school=school,
        domain="student_support",
        stakeholders=at_school,
        options="Student-led for all grades\nStudent-led from grade 3\nKeep the current format",
    )

    # Open for input, at the demo teacher's school, closing in three days.
    start_time = decision(
        f"Later start time at {school.name}",
        "Buses arrive early and first period is half asleep. The bus contract allows a "
        "20-minute shift from next term.",
        team=school_team,
        by=principal,
        school=school,
        domain="schedule",
        process_type="advice",
        decider=principal,
        visibility="district",
        input_opens=now - 2 * day,
        input_closes=now + 3 * day,
        decide_by=today + 7 * day,
        options="Start 20 minutes later\nKeep the start, move breakfast into class\nNo change",
        impact_students="More sleep for early risers; later pick-up for families with younger siblings.",
        staff_time="Duty rota rewritten once",
        review_on=today + 120 * day,
        stakeholders=at_school,
    )
    services.decision_open_input(decision=start_time, by=principal)
    services.principle_test(
        decision=start_time,
        principle=principles[0],
        note="Sleep research points one way; childcare for siblings the other.",
        by=principal,
    )
    services.input_give(
        decision=start_time,
        by=coach,
        kind="idea",
        text="Pilot it for six weeks and ask students how mornings feel.",
        themes=[themes["Student belonging"]],
    )
    services.input_give(
        decision=start_time,
        by=new_teacher,
        kind="concern",
        text="My after-school job starts at 4. A later end would be hard for me.",
        anonymous=True,
        themes=[themes["Workload"]],
    )
    if cook:
        services.input_give(
            decision=start_time,
            by=cook,
            kind="question",
            text="Would breakfast service move too? The kitchen needs a week's notice.",
            themes=[themes["Facilities"]],
        )

    # Open for input district-wide, public, closing within 48 hours.
    report_cards = decision(
        "Competency-based report cards, grades 3 to 5",
        "Report cards list grades by subject. The design team proposes showing progress on "
        "each competency instead, with examples of student work.",
        team=learning_team,
        by=superintendent,
        domain="curriculum",
        process_type="consent",
        visibility="public",
        input_opens=now - 5 * day,
        input_closes=now + datetime.timedelta(hours=30),
        budget_amount="18000.00",
        staff_time="Two planning days per school",
        impact_students="Students see what they have mastered and what comes next.",
        stakeholders=[
            {
                "kind": Stakeholder.Kind.ROLE,
                "role": Role.TEACHER,
                "involvement": Involvement.CONSULTED,
            },
            {
                "kind": Stakeholder.Kind.ROLE,
                "role": Role.FAMILY,
                "involvement": Involvement.AFFECTED,
            },
            {
                "kind": Stakeholder.Kind.TEAM,
                "team": district_team,
                "involvement": Involvement.DECIDES,
            },
        ],
    )
    services.decision_open_input(decision=report_cards, by=superintendent)
    services.input_give(
        decision=report_cards,
        by=teachers[1] if len(teachers) > 1 else coach,
        kind="objection",
        text="Families will need a guide; we cannot ship this without one.",
        anonymous=True,
        themes=[themes["Communication"]],
    )
    services.input_give(
        decision=report_cards,
        by=coach,
        kind="support",
        text="Our grade 4 team tried it last spring. Conferences got better.",
        themes=[themes["Competency-based learning"]],
    )

    # Deciding: the window closed yesterday.
    cafeteria = decision(
        "Two lunch periods in the cafeteria",
        "One lunch period means a 25-minute line. Two periods would cut the wait.",
        team=school_team,
        by=principal,
        school=school,
        domain="schedule",
        process_type="consensus",
        input_opens=now - 8 * day,
        input_closes=now + 1 * day,
        stakeholders=at_school,
    )
    services.decision_open_input(decision=cafeteria, by=principal)
    services.input_give(
        decision=cafeteria, by=coach, kind="agree", text="Yes, and let students eat with friends."
    )
    # A consensus stopped by a block: the deciders see it must be lifted or the process moved.
    services.input_give(
        decision=cafeteria,
        by=teachers[0],
        kind="block",
        text="Two periods put lunch at 10:40 for the youngest; that is too early for them.",
    )
    Decision.objects.filter(pk=cafeteria.pk).update(input_closes=now - day)
    cafeteria.refresh_from_db()
    cafeteria.close_input(by=None)

    # Decided well: window closed, right holder, rationale, people informed.
    fridays = decision(
        "Professional learning on Friday afternoons",
        "Teachers asked for time to plan together instead of one-off training days.",
        team=school_team,
        by=principal,
        school=school,
        domain="professional_learning",
        process_type="advice",
        decider=principal,
        input_opens=now - 20 * day,
        input_closes=now + day,
        stakeholders=at_school,
        review_on=today + 90 * day,
    )
    services.decision_open_input(decision=fridays, by=principal)
    objection = services.input_give(
        decision=fridays,
        by=teachers[0],
        kind="objection",
        text="Fridays are when families pick up early; let us keep one Friday a month free.",
    )
    Decision.objects.filter(pk=fridays.pk).update(input_closes=now - 10 * day)
    fridays.refresh_from_db()
    fridays.close_input(by=None)
    services.input_respond(
        entry=objection,
        by=principal,
        response="Agreed: the first Friday of each month stays free.",
        changed_decision=True,
    )
    services.decision_decide(
        decision=fridays,
        by=principal,
        outcome="Three Friday afternoons a month are for team planning; the first Friday stays free.",
        rationale="Teachers' own proposal, changed after the objection about family pick-ups.",
    )

    # Implementing, flagged: decided before the window closed, without a rationale.
    phones = decision(
        "Phones away during class at the middle schools",
        "Teachers report phones as the biggest distraction since the autumn.",
        team=district_team,
        by=superintendent,
        domain="policy",
        process_type="consultative",
        visibility="district",
        input_opens=now - 2 * day,
        input_closes=now + 5 * day,
        stakeholders=[
            {
                "kind": Stakeholder.Kind.ROLE,
                "role": Role.TEACHER,
                "involvement": Involvement.CONSULTED,
            },
            {
                "kind": Stakeholder.Kind.ROLE,
                "role": Role.STUDENT,
                "involvement": Involvement.AFFECTED,
            },
        ],
    )
    services.decision_open_input(decision=phones, by=superintendent)
    phones.decide(
        by=superintendent,
        outcome="Phones go in lockers from the first bell.",
        heard="Teachers want one rule for every class; students asked for music at lunch.",
    )
    phones.start_implementing(by=superintendent)
    from .integrity import refresh_flags

    refresh_flags(phones)

    # Reviewing, flagged: the review date has passed and nobody reflected yet.
    buses = decision(
        "Shared bus routes with the high school",
        "Combining routes saves a driver and 40 minutes of riding for some students.",
        team=district_team,
        by=superintendent,
        domain="budget",
        visibility="public",
        status="deciding",
        budget_amount="64000.00",
        stakeholders=[
            {"kind": Stakeholder.Kind.DISTRICT, "involvement": Involvement.INFORMED},
        ],
        process_type="delegated",
        decider=superintendent,
        decider_bounds="Within the transport budget; no route longer than 50 minutes.",
    )
    services.decision_decide(
        decision=buses,
        by=superintendent,
        outcome="Routes are shared from January.",
        rationale="Saves a driver's salary and shortens the longest rides.",
    )
    Decision.objects.filter(pk=buses.pk).update(review_on=today - 10 * day)
    buses.refresh_from_db()
    buses.start_review(by=superintendent)
    refresh_flags(buses)

    # Closed, with a reflection.
    recess = decision(
        "Recess before lunch",
        "Students eat better after they have played.",
        team=school_team,
        by=principal,
        school=school,
        domain="schedule",
        status="deciding",
        process_type="delegated",
        decider=principal,
        decider_bounds="Inside the school day; lunch stays 30 minutes.",
        stakeholders=at_school,
    )
    services.decision_decide(
        decision=recess,
        by=principal,
        outcome="Recess moves before lunch for all grades.",
        rationale="Less food wasted and calmer afternoons at the schools that tried it.",
    )
    recess.start_implementing(by=principal)
    recess.start_review(by=principal)
    services.reflection_add(
        decision=recess,
        by=principal,
        what_happened="Food waste fell by a third; afternoon referrals went down.",
        unanticipated="The kitchen needed ten more minutes to set up.",
        effect_on_students="Calmer classrooms after lunch.",
        learned="Ask the kitchen staff first next time.",
        verdict="keep",
    )
    recess.close(by=principal)

    # Withdrawn.
    uniform = decision(
        "School uniform trial",
        "A parent group asked for a uniform trial.",
        team=school_team,
        by=principal,
        school=school,
        domain="policy",
        stakeholders=at_school,
    )
    uniform.withdraw(by=principal, reason="The parent group withdrew its request.")

    # A superseded pair.
    homework_old = decision(
        "Homework guidelines",
        "A common limit on homework minutes per grade.",
        team=learning_team,
        by=superintendent,
        domain="curriculum",
        status="deciding",
        process_type="delegated",
        decider=superintendent,
        decider_bounds="Homework minutes only; grading stays with the schools.",
        stakeholders=[
            {
                "kind": Stakeholder.Kind.ROLE,
                "role": Role.TEACHER,
                "involvement": Involvement.AFFECTED,
            }
        ],
    )
    services.decision_decide(
        decision=homework_old,
        by=superintendent,
        outcome="Ten minutes per grade level per night.",
        rationale="A simple rule families can remember.",
    )
    homework_new = decision(
        "Homework guidelines, revised",
        "After a year: reading counts, worksheets do not.",
        team=learning_team,
        by=superintendent,
        domain="curriculum",
        status="deciding",
        process_type="delegated",
        decider=superintendent,
        decider_bounds="Homework minutes only; grading stays with the schools.",
        stakeholders=[
            {
                "kind": Stakeholder.Kind.ROLE,
                "role": Role.TEACHER,
                "involvement": Involvement.AFFECTED,
            }
        ],
    )
    services.decision_decide(
        decision=homework_new,
        by=superintendent,
        outcome="Reading at home counts; no worksheets below grade 4.",
        rationale="The reflection showed worksheets added stress and little learning.",
    )
    services.decision_supersede(decision=homework_old, newer=homework_new, by=superintendent)

    # A secret vote under way: ballots are in, the tally stays hidden until it closes.
    concert = decision(
        f"Date of the spring concert at {school.name}",
        "The gym is free on three evenings in May. Staff choose the one that suits most.",
        team=school_team,
        by=principal,
        school=school,
        domain="schedule",
        process_type="vote",
        secret_ballot=True,
        quorum=3,
        visibility="district",
        input_opens=now - day,
        input_closes=now + 4 * day,
        options="Tuesday May 12\nThursday May 14\nTuesday May 19",
        stakeholders=at_school,
    )
    services.decision_open_input(decision=concert, by=principal)
    for voter, option in zip(teachers[1:4], concert.option_list(), strict=False):
        services.vote_cast(decision=concert, by=voter, option=option)


def seed(districts, *, password: str) -> None:
    for district in districts:
        seed_district(district)
