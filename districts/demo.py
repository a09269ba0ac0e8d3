"""Demo data for the districts app: two invented districts, so isolation is visible."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from . import services
from .models import District, LeadershipTeam, Role, School, TeamMembership, Theme, User

FIRST_NAMES = [
    "Amara",
    "Ben",
    "Carmen",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Imani",
    "Jonah",
    "Keiko",
    "Luis",
    "Maya",
    "Nico",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Victor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aiden",
    "Bea",
    "Cole",
    "Dina",
]
LAST_NAMES = [
    "Okafor",
    "Lindqvist",
    "Ramos",
    "Patel",
    "Novak",
    "Haddad",
    "Whitfield",
    "Tanaka",
    "Mensah",
    "Brooks",
    "Ibarra",
    "Kowalski",
    "Nguyen",
    "Osei",
    "Petrov",
    "Quintero",
    "Rahman",
    "Sato",
    "Thornton",
    "Underwood",
    "Vargas",
    "Walsh",
    "Yilmaz",
    "Zimmer",
]

THEMES = [
    ("Workload", "Time, paperwork and the pace of change"),
    ("Student belonging", "Whether students feel known and safe"),
    ("Communication", "How news and decisions reach people"),
    ("Facilities", "Buildings, kitchens, buses and grounds"),
    ("Competency-based learning", "Moving from seat time to demonstrated learning"),
    ("Staffing", "Hiring, vacancies and keeping good people"),
]

PRINCIPLES = [
    (
        "Students first",
        "We ask how a choice changes a student's day before we ask what it costs us.",
    ),
    ("Close to the classroom", "Decisions are made by the people nearest to the work they change."),
    ("Open process", "Everyone can see how a decision is made, who decides and when input closes."),
    ("Learn in public", "We name what did not work and change course without blame."),
]


@dataclass(frozen=True)
class DemoDistrict:
    name: str
    slug: str
    timezone: str
    domain: str
    school_names: tuple[str, ...]
    purpose: str
    sign_ins: tuple[str, ...]


CEDAR_VALLEY = DemoDistrict(
    name="Cedar Valley Unified",
    slug="cedar-valley",
    timezone="America/Chicago",
    domain="cedarvalley.example",
    school_names=(
        "Alder Creek Elementary",
        "Birchwood Elementary",
        "Juniper Ridge Elementary",
        "Cedar Valley Middle",
        "Riverbend Middle",
        "Cedar Valley High",
    ),
    purpose=(
        "Every student in Cedar Valley leaves us able to show what they know, "
        "to learn on their own and to work with others, and every adult here "
        "shares in the decisions that make that possible."
    ),
    sign_ins=("superintendent", "principal", "teacher", "community"),
)

HARBOR_POINT = DemoDistrict(
    name="Harbor Point Schools",
    slug="harbor-point",
    timezone="America/New_York",
    domain="harborpoint.example",
    school_names=(
        "Lighthouse Elementary",
        "Seagrass Elementary",
        "Tidewater Elementary",
        "Harbor Point Middle",
        "Pier Street Academy",
        "Harbor Point High",
    ),
    purpose=(
        "Harbor Point schools grow curious, capable young people who can lead their "
        "own learning, with families and staff deciding together how we get there."
    ),
    sign_ins=("superintendent",),
)

DEMO_DISTRICTS = (CEDAR_VALLEY, HARBOR_POINT)

# Roster shape for each district: (role, title, count). 40 people in all.
ROSTER = [
    (Role.DISTRICT_LEADER, "assistant superintendent", 1),
    (Role.DISTRICT_LEADER, "director of teaching and learning", 1),
    (Role.PRINCIPAL, "", 5),
    (Role.TEACHER_LEADER, "instructional coach", 3),
    (Role.TEACHER, "", 9),
    (Role.TEACHER, "new teacher", 3),
    (Role.STAFF, "cook", 2),
    (Role.STAFF, "custodian", 2),
    (Role.STAFF, "counselor", 1),
    (Role.STUDENT, "", 8),
    (Role.FAMILY, "parent", 2),
    (Role.COMMUNITY, "local business owner", 1),
    (Role.BOARD_MEMBER, "board member", 1),
]


def demo_email(district: DemoDistrict, local: str) -> str:
    return f"{local}@{district.domain}"


def level_for(name: str) -> str:
    for word, level in (("Elementary", "elementary"), ("Middle", "middle"), ("High", "high")):
        if word in name:
            return level
    return School.Level.K8


@transaction.atomic
def seed_district(spec: DemoDistrict, *, password: str) -> District:
    district = District.objects.create(name=spec.name, slug=spec.slug, timezone=spec.timezone)
    schools = [
        School.objects.create(district=district, name=name, level=level_for(name))
        for name in spec.school_names
    ]
    for name, description in THEMES:
        Theme.objects.create(district=district, name=name, description=description)

    names = iter(
        f"{FIRST_NAMES[(i * 7 + len(spec.slug)) % len(FIRST_NAMES)]} "
        f"{LAST_NAMES[(i * 5 + len(spec.name)) % len(LAST_NAMES)]}"
        for i in range(100)
    )

    def person(role, title="", email=None, school_list=(), sign_in=False) -> User:
        user = User.objects.create_user(
            email=email,
            password=password if sign_in else None,
            district=district,
            name=next(names),
            role=role,
            title=title,
        )
        user.schools.set(school_list)
        return user

    superintendent = person(
        Role.SUPERINTENDENT,
        "superintendent",
        demo_email(spec, "superintendent"),
        sign_in="superintendent" in spec.sign_ins,
    )
    # The demo superintendent also runs the district's administration pages.
    superintendent.is_district_admin = True
    superintendent.save(update_fields=["is_district_admin"])
    people: dict[str, list[User]] = {}
    for role, title, count in ROSTER:
        for i in range(count):
            school = schools[i % len(schools)]
            at = (
                []
                if role in (Role.DISTRICT_LEADER, Role.COMMUNITY, Role.BOARD_MEMBER)
                else [school]
            )
            people.setdefault(title or role, []).append(
                person(
                    role,
                    title,
                    demo_email(
                        spec, f"{(title or role).replace(' ', '.').replace('_', '.')}.{i + 1}"
                    ),
                    at,
                )
            )

    # The named demo sign-ins, all at the first school so their pages have something to show.
    first_school = schools[0]
    principal = people[Role.PRINCIPAL][0]
    teacher = people[Role.TEACHER][0]
    community = people["local business owner"][0]
    for user, local in ((principal, "principal"), (teacher, "teacher"), (community, "community")):
        user.email = demo_email(spec, local)
        if local in spec.sign_ins:
            user.set_password(password)
        user.save()
    assert first_school in principal.schools.all()

    today = timezone.localdate()
    district_team = LeadershipTeam.objects.create(
        district=district,
        name="District leadership team",
        purpose="Holds the district's budget, calendar and strategy decisions, and keeps the shared purpose alive.",
    )
    school_team = LeadershipTeam.objects.create(
        district=district,
        school=first_school,
        name=f"{first_school.name} leadership team",
        purpose="Decides schedules, professional learning and how the school lives the principles.",
    )
    learning_team = LeadershipTeam.objects.create(
        district=district,
        name="Competency-based learning design team",
        purpose="Teachers and leaders who design how students show mastery across the district.",
    )
    memberships = [
        (district_team, superintendent, TeamMembership.TeamRole.LEAD),
        (district_team, people["assistant superintendent"][0], TeamMembership.TeamRole.FACILITATOR),
        (
            district_team,
            people["director of teaching and learning"][0],
            TeamMembership.TeamRole.MEMBER,
        ),
        (district_team, people["board member"][0], TeamMembership.TeamRole.INTEGRITY_STEWARD),
        (school_team, principal, TeamMembership.TeamRole.LEAD),
        (school_team, people["instructional coach"][0], TeamMembership.TeamRole.FACILITATOR),
        (school_team, teacher, TeamMembership.TeamRole.MEMBER),
        (school_team, people["new teacher"][0], TeamMembership.TeamRole.MEMBER),
        (school_team, people["counselor"][0], TeamMembership.TeamRole.INTEGRITY_STEWARD),
        (
            learning_team,
            people["director of teaching and learning"][0],
            TeamMembership.TeamRole.LEAD,
        ),
        (learning_team, people["instructional coach"][1], TeamMembership.TeamRole.FACILITATOR),
        (learning_team, people[Role.TEACHER][1], TeamMembership.TeamRole.MEMBER),
        (learning_team, people[Role.TEACHER][2], TeamMembership.TeamRole.INTEGRITY_STEWARD),
    ]
    for team, user, team_role in memberships:
        TeamMembership.objects.create(
            team=team,
            user=user,
            team_role=team_role,
            joined_on=today - datetime.timedelta(days=200),
        )
    TeamMembership.objects.create(
        team=school_team,
        user=people[Role.TEACHER][3],
        team_role=TeamMembership.TeamRole.MEMBER,
        joined_on=today - datetime.timedelta(days=600),
        left_on=today - datetime.timedelta(days=220),
    )

    last_year = today - datetime.timedelta(days=400)
    services.purpose_revise(
        district=district,
        school=None,
        by=superintendent,
        text="Every student leaves ready for what comes next.",
        adopted_on=last_year,
        participants=[superintendent, people["board member"][0]],
    )
    services.purpose_revise(
        district=district,
        school=None,
        by=superintendent,
        text=spec.purpose,
        adopted_on=today - datetime.timedelta(days=60),
        review_on=today + datetime.timedelta(days=300),
        participants=[superintendent, principal, teacher, community, people[Role.STUDENT][0]],
        participants_note="Families and students at three community evenings",
    )
    services.purpose_revise(
        district=district,
        school=first_school,
        by=principal,
        text=f"At {first_school.name}, every child is known by name, strength and need.",
        adopted_on=today - datetime.timedelta(days=30),
        review_on=today + datetime.timedelta(days=335),
        participants=[principal, teacher],
        participants_note="The school's family council",
    )
    principles = []
    for i, (title, text) in enumerate(PRINCIPLES):
        principles.append(
            services.principle_create(
                district=district,
                title=title,
                by=superintendent,
                text=text,
                adopted_on=last_year,
                # One principle is overdue for review, so the home page has something to flag.
                review_on=today - datetime.timedelta(days=5)
                if i == 3
                else today + datetime.timedelta(days=200),
            )
        )
    services.principle_create(
        district=district,
        school=first_school,
        varies=principles[1],
        title="Close to the classroom",
        by=principal,
        text="Grade-level teams decide their own schedules and assessments within the district's frame.",
        adopted_on=today - datetime.timedelta(days=20),
        participants=[principal, teacher],
    )
    code = services.code_create(
        teacher=teacher,
        school=first_school,
        class_name="Grade 4, room 12",
        text="We listen to finish. We help before we are asked. We fix mistakes together.",
        adopted_on=today - datetime.timedelta(days=90),
        review_on=today - datetime.timedelta(days=2),
    )
    services.revision_add(
        document=code,
        by=teacher,
        text="We listen to finish. We help before we are asked. We fix mistakes together. "
        "We decide class jobs by vote every month.",
        adopted_on=today - datetime.timedelta(days=10),
        review_on=today + datetime.timedelta(days=80),
    )
    return district


def seed(*, password: str) -> list[District]:
    return [seed_district(spec, password=password) for spec in DEMO_DISTRICTS]


def sign_ins() -> list[tuple[str, str]]:
    """(who, e-mail) for the README and the run command."""
    rows = []
    for spec in DEMO_DISTRICTS:
        for local in spec.sign_ins:
            rows.append((f"{local} of {spec.name}", demo_email(spec, local)))
    return rows
