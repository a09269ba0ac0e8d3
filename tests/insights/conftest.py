"""A small known district for the trends pages: schools, themes, and helpers that tag items.

The trends tests (`TRENDS` below) run on 15 November 2026, so "the last six months" are June
to November 2026, and count their figures afresh on every view.
"""

import datetime

import pytest
from django.core.cache import cache

from decisions import services as decision_services
from decisions.models import Input
from decisions.models.related import anonymous_key
from districts.models import School, Theme
from insights.views import trends
from principals.models import CheckIn, Problem
from rounding.models import Conversation, RoundingVisit

TODAY = datetime.date(2026, 11, 15)
TRENDS = pytest.mark.usefixtures("on_a_known_day", "figures_counted_on_every_view")


@pytest.fixture
def figures_counted_on_every_view(monkeypatch):
    """Tests change the data between two views: nothing counted is kept from one to the next."""
    monkeypatch.setattr(trends, "FIGURES_KEPT_SECONDS", 0)
    cache.clear()


@pytest.fixture
def on_a_known_day(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 15, 12, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def schools(district, school):
    """Alder Creek and three more schools."""
    more = [
        School.objects.create(district=district, name=name, level="elementary")
        for name in ("Birch Hill Elementary", "Cedar Ridge Middle", "Dogwood High")
    ]
    return [school, *more]


@pytest.fixture
def workload(district):
    return Theme.objects.create(district=district, name="Workload")


@pytest.fixture
def safety(district):
    return Theme.objects.create(district=district, name="Safety")


@pytest.fixture
def people(district, make_person_in):
    """Make `n` roster people (teachers) at a school: `people(school, 4)`."""
    counter = iter(range(10_000))

    def make(school, n, role="teacher"):
        return [
            make_person_in(district, role, f"Person {next(counter)}", None, [school])
            for _ in range(n)
        ]

    return make


@pytest.fixture
def converse(district, superintendent):
    """A rounding conversation at `school` on `day`, with `person` (or a `name`), tagged."""

    def add(school, day, themes, *, person=None, name="", role_group="teacher"):
        visit = RoundingVisit.objects.create(district=district, school=school, date=day)
        visit.visitors.add(superintendent)
        conversation = Conversation.objects.create(
            district=district, visit=visit, person=person, name=name, role_group=role_group
        )
        conversation.themes.set(themes)
        return conversation

    return add


@pytest.fixture
def raise_problem(district, superintendent, make_pair):
    """A problem `principal` raised at a check-in about `school` on `day`, tagged."""
    pairs = {}

    def add(school, principal, day, themes):
        pair = pairs.get((principal.pk, school.pk))
        if pair is None:
            pair = pairs[principal.pk, school.pk] = make_pair(superintendent, principal, school)
        check_in = CheckIn.objects.create(
            district=district,
            pair=pair,
            scheduled_at=datetime.datetime.combine(day, datetime.time(15), tzinfo=datetime.UTC),
            status="held",
        )
        problem = Problem.objects.create(
            district=district, check_in=check_in, school=school, text="Buses", raised_on=day
        )
        problem.themes.set(themes)
        return problem

    return add


@pytest.fixture
def decision_at(district, team, superintendent):
    """A decision about `school` (None: the whole district), visible to the district."""

    def make(school=None, **fields):
        fields.setdefault("domain", "schedule")
        fields.setdefault("process_type", "consent")
        return decision_services.decision_create(
            district=district,
            by=superintendent,
            title="Later start",
            context="Buses and sleep.",
            owning_team=team,
            school=school,
            **fields,
        )

    return make


@pytest.fixture
def give_input(district):
    """Input on `decision` given on `day` by `author`, named or anonymous, tagged."""

    def add(decision, author, day, themes, *, anonymous=False):
        item = Input.objects.create(
            district=district,
            decision=decision,
            kind="concern",
            text="Too early for the buses.",
            author=None if anonymous else author,
            is_anonymous=anonymous,
            anonymous_key=anonymous_key(decision.pk, author.pk) if anonymous else None,
            given_on=day,
        )
        item.themes.set(themes)
        return item

    return add
