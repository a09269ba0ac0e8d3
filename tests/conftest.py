"""Personas shared by every test: four people of Cedar Valley and an outsider from Harbor Point."""

import datetime
import os
import shutil
from typing import NamedTuple

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app as celery_app
from districts import services
from districts.models import District, LeadershipTeam, Role, School, TeamMembership, User
from principals.models import CheckInPair

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def celery_runs_tasks_inline():
    """Unit tests run queued tasks in-process; delivery itself is proven with `real_worker`."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def real_worker(transactional_db, celery_runs_tasks_inline):
    """A real Celery worker thread consuming from the configured broker (Redis in CI).

    Tests that use it need `transactional_db`, since the worker has its own connection.
    """
    celery_app.conf.task_always_eager = False
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
    ) as worker:
        yield worker


@pytest.fixture
def district(db) -> District:
    return District.objects.create(
        name="Cedar Valley", slug="cedar-valley", timezone="America/Chicago"
    )


@pytest.fixture
def other_district(db) -> District:
    return District.objects.create(
        name="Harbor Point", slug="harbor-point", timezone="America/New_York"
    )


@pytest.fixture
def school(district) -> School:
    return School.objects.create(
        district=district, name="Alder Creek Elementary", level="elementary"
    )


@pytest.fixture
def other_school(other_district) -> School:
    return School.objects.create(
        district=other_district, name="Lighthouse Elementary", level="elementary"
    )


def make_person(district, role, name, email=None, schools=(), title="") -> User:
    user = User.objects.create_user(
        email=email,
        password=PASSWORD if email else None,
        district=district,
        name=name,
        role=role,
        title=title,
    )
    user.schools.set(schools)
    return user


@pytest.fixture
def superintendent(district) -> User:
    return make_person(district, Role.SUPERINTENDENT, "Alice Okafor", "alice@cedar.example")


@pytest.fixture
def principal(district, school) -> User:
    return make_person(district, Role.PRINCIPAL, "Bob Lindqvist", "bob@cedar.example", [school])


@pytest.fixture
def teacher(district, school) -> User:
    return make_person(district, Role.TEACHER, "Charlie Ramos", "charlie@cedar.example", [school])


@pytest.fixture
def community_member(district) -> User:
    return make_person(district, Role.COMMUNITY, "Dana Patel", "dana@cedar.example")


@pytest.fixture
def student(district, school) -> User:
    return make_person(district, Role.STUDENT, "Eli Novak", None, [school])


@pytest.fixture
def outsider(other_district, other_school) -> User:
    return make_person(
        other_district, Role.SUPERINTENDENT, "Olga Petrov", "olga@harbor.example", [other_school]
    )


@pytest.fixture
def team(district, superintendent, principal) -> LeadershipTeam:
    team = LeadershipTeam.objects.create(
        district=district, name="District leadership team", purpose="Budget"
    )
    TeamMembership.objects.create(team=team, user=superintendent, team_role="lead")
    TeamMembership.objects.create(team=team, user=principal, team_role="integrity_steward")
    return team


@pytest.fixture
def other_team(other_district, outsider) -> LeadershipTeam:
    team = LeadershipTeam.objects.create(district=other_district, name="Harbor leadership team")
    TeamMembership.objects.create(team=team, user=outsider, team_role="lead")
    return team


@pytest.fixture
def code(teacher, school):
    return services.code_create(
        teacher=teacher,
        school=school,
        class_name="Grade 4, room 12",
        text="We listen to finish.",
        adopted_on=datetime.date(2026, 9, 1),
    )


@pytest.fixture
def client_for(client):
    """Sign a persona in: `client_for(teacher).get(...)`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


class Tool(NamedTuple):
    programs: tuple[str, ...]
    package: str  # Debian's
    fixture: str  # every test that uses it needs the program
    tests: str


# `make test` installs these when it runs as root (scripts/test-tools); elsewhere the tests
# that need a missing one are skipped, or fail where ROUNDTABLE_REQUIRE_ALL_TESTS=1 (CI).
TOOLS = (
    Tool(
        ("chromium", "chromium-browser"), "chromium", "browser_type_launch_args", "browser journeys"
    ),
    Tool(("msgfmt",), "gettext", "german", "translation tests"),
    Tool(("redis-server",), "redis-server", "own_redis", "broker-fault tests"),
)
MISSING_TOOLS = pytest.StashKey[list[Tool]]()
SKIPPED_FOR_TOOLS = pytest.StashKey[dict[Tool, int]]()


def pytest_configure(config):
    config.stash[MISSING_TOOLS] = [
        tool for tool in TOOLS if not any(shutil.which(p) for p in tool.programs)
    ]
    config.stash[SKIPPED_FOR_TOOLS] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    for tool in item.config.stash[MISSING_TOOLS]:
        if tool.fixture not in getattr(item, "fixturenames", ()):
            continue
        message = f"{tool.programs[0]} is not installed (Debian package {tool.package})"
        if os.environ.get("ROUNDTABLE_REQUIRE_ALL_TESTS") == "1":
            pytest.fail(f"{message}, and ROUNDTABLE_REQUIRE_ALL_TESTS=1 runs every test.")
        skipped = item.config.stash[SKIPPED_FOR_TOOLS]
        skipped[tool] = skipped.get(tool, 0) + 1
        pytest.skip(message)


def pytest_terminal_summary(terminalreporter, config):
    if skipped := config.stash.get(SKIPPED_FOR_TOOLS, {}):
        tools = [tool for tool in TOOLS if tool in skipped]
        what = ", ".join(f"{skipped[t]} {t.tests} ({t.programs[0]})" for t in tools)
        packages = " ".join(tool.package for tool in tools)
        terminalreporter.write_line(
            f"Skipped for missing tools: {what}; to run them: sudo apt-get install {packages}",
            yellow=True,
        )


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine}, broker: {settings.CELERY_BROKER_URL.split('://')[0]}"


@pytest.fixture
def make_person_in(db):
    """Add someone to a district's roster: `make_person_in(district, "teacher", "Name", email, [school])`."""
    return make_person


@pytest.fixture
def make_pair(db):
    """A supervisor and a principal who meet: `make_pair(supervisor, principal, school)`, by
    default on Tuesdays at 9:00 from 6 January 2026."""

    def make(supervisor, principal, school, **fields):
        fields = {
            "weekday": 1,
            "local_time": datetime.time(9),
            "starts_on": datetime.date(2026, 1, 6),
            **fields,
        }
        return CheckInPair.objects.create(
            district_id=school.district_id,
            supervisor=supervisor,
            principal=principal,
            school=school,
            **fields,
        )

    return make
