import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F, Max
from django.test import override_settings
from django.urls import reverse

from bench import scale
from decisions.integrity import integrity_flags
from decisions.models import Decision, DecisionCounter, Input, Stakeholder, anonymous_key
from districts.models import District, Role, School, User
from principals.models import CheckIn, CheckInPair
from principals.services import occurrences_plan
from rounding.models import (
    Conversation,
    FollowUp,
    SchoolCoverage,
    role_group_of,
)

pytestmark = pytest.mark.django_db

PASSWORD = "scale-test-password"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """One seed shared by the module, inside a transaction rolled back when the module ends.

    Each test runs in a savepoint of that transaction, so what a test writes is undone
    before the next. The conftest's fast hasher is per test, so the seed sets it itself.
    """
    out = StringIO()
    path = tmp_path_factory.mktemp("scale") / "scale.json"
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        seeding = transaction.atomic()
        seeding.__enter__()
        try:
            call_command(
                "seed_scale",
                "--scale",
                "0.002",
                "--seed",
                "7",
                "--password",
                PASSWORD,
                "--output",
                str(path),
                stdout=out,
                stderr=StringIO(),
            )
            yield {"out": out.getvalue(), "bench": json.loads(path.read_text())}
        finally:
            transaction.set_rollback(True)
            seeding.__exit__(None, None, None)


def signed_in(client, who):
    assert client.login(username=scale.EMAILS[who], password=PASSWORD), who
    return client


def test_seed_scale_builds_both_districts_with_rows_in_every_app(seeded):
    big = District.objects.get(slug=scale.DISTRICT_SLUG)
    small = District.objects.get(slug=scale.SMALL_SLUG)
    for district in (big, small):
        assert School.objects.filter(district=district).count() >= 3
        people = User.objects.filter(district=district)
        assert people.filter(role=Role.SUPERINTENDENT).count() == 1
        assert people.filter(title="cook").exists()
        assert people.filter(title="new teacher").exists()
        assert Decision.objects.filter(district=district).exists()
        assert Conversation.objects.filter(district=district).exists()
        assert FollowUp.objects.filter(district=district).exists()
        assert CheckInPair.objects.filter(district=district).exists()
    # One school each, except the district's leaders.
    for person in User.objects.filter(district=big).prefetch_related("schools"):
        expected = 0 if person.role in (Role.SUPERINTENDENT, Role.DISTRICT_LEADER) else 1
        assert len(person.schools.all()) == expected, person


def test_seed_scale_prints_and_writes_what_the_benchmark_needs(seeded):
    bench = seeded["bench"]
    assert set(bench) == {
        "district_id",
        "school_id",
        "decision_id",
        "check_in_id",
        "pair_id",
        "emails",
    }
    for email in bench["emails"].values():
        assert email in seeded["out"]
    decision = Decision.objects.get(pk=bench["decision_id"])
    assert decision.title == scale.BENCH_DECISION_TITLE
    assert decision.inputs.count() == 200
    pair = CheckInPair.objects.get(pk=bench["pair_id"])
    assert pair.principal.email == scale.EMAILS["principal"]
    assert pair.supervisor.email == scale.EMAILS["supervisor"]
    assert CheckIn.objects.get(pk=bench["check_in_id"]).pair_id == pair.pk


def test_every_page_of_the_demo_opens_for_the_benchmark_sign_ins(seeded, client):
    bench = seeded["bench"]
    pages = {
        "teacher": [
            reverse("home"),
            reverse("decisions:affects_me"),
            reverse("decisions:list"),
            reverse("decisions:detail", args=[bench["decision_id"]]),
            reverse("rounding:school", args=[bench["school_id"]]),
        ],
        "superintendent": [
            reverse("home"),
            reverse("decisions:list"),
            reverse("decisions:detail", args=[bench["decision_id"]]),
            reverse("rounding:coverage"),
            reverse("rounding:school", args=[bench["school_id"]]),
            reverse("principals:index"),
            reverse("principals:check_in", args=[bench["check_in_id"]]),
        ],
        "principal": [
            reverse("home"),
            reverse("rounding:school", args=[bench["school_id"]]),
            reverse("principals:index"),
            reverse("principals:check_in", args=[bench["check_in_id"]]),
        ],
        "supervisor": [
            reverse("home"),
            reverse("principals:index"),
            reverse("principals:check_in", args=[bench["check_in_id"]]),
            reverse("rounding:coverage"),
        ],
    }
    for who, urls in pages.items():
        signed_in(client, who)
        for url in urls:
            assert client.get(url).status_code == 200, (who, url)
        client.logout()


def test_the_teacher_is_a_stakeholder_of_decisions_through_groups(seeded):
    teacher = User.objects.get(email=scale.EMAILS["teacher"])
    mine = Decision.objects.visible_to(teacher).involving(teacher)
    assert mine.count() > Stakeholder.objects.filter(person=teacher).count()


def test_school_one_has_visits_and_follow_ups_for_its_stoplight(seeded):
    school = School.objects.get(pk=seeded["bench"]["school_id"])
    assert school.visits.exists()
    assert FollowUp.objects.filter(school=school).exists()


def test_the_two_districts_see_nothing_of_each_other(seeded, client):
    bench = seeded["bench"]
    small = District.objects.get(slug=scale.SMALL_SLUG)
    outsider = User.objects.get(district=small, role=Role.SUPERINTENDENT)
    client.force_login(outsider)
    assert client.get(reverse("decisions:detail", args=[bench["decision_id"]])).status_code == 404
    assert client.get(reverse("principals:check_in", args=[bench["check_in_id"]])).status_code in (
        403,
        404,
    )
    assert client.get(reverse("rounding:school", args=[bench["school_id"]])).status_code in (
        403,
        404,
    )
    listed = client.get(reverse("decisions:list")).content.decode()
    assert scale.BENCH_DECISION_TITLE not in listed
    assert not Decision.objects.visible_to(outsider).exclude(district=small).exists()
    # Every row points inside its own district.
    assert not Stakeholder.objects.exclude(decision__district_id=F("district_id")).exists()
    assert not Input.objects.exclude(decision__district_id=F("district_id")).exists()
    assert not Conversation.objects.exclude(visit__district_id=F("district_id")).exists()
    assert (
        not Input.objects.exclude(author=None)
        .exclude(author__district_id=F("district_id"))
        .exists()
    )


def test_anonymous_inputs_have_no_author_and_a_sealed_key_of_someone_in_the_district(seeded):
    anonymous = Input.objects.filter(is_anonymous=True)
    assert anonymous.exists()
    assert not anonymous.filter(author__isnull=False).exists()
    assert not anonymous.filter(anonymous_key__isnull=True).exists()
    assert not Input.objects.filter(is_anonymous=False, anonymous_key__isnull=False).exists()
    entry = anonymous.select_related("decision").first()
    keys = {
        anonymous_key(entry.decision_id, pk)
        for pk in User.objects.filter(district_id=entry.district_id).values_list("pk", flat=True)
    }
    assert entry.anonymous_key in keys


def test_denormalised_fields_are_what_the_apps_would_have_written(seeded):
    for decision in Decision.objects.select_related("district", "decided_by"):
        assert decision.flag_codes == sorted({f.code for f in integrity_flags(decision)}), (
            decision.pk
        )
    for counter in DecisionCounter.objects.all():
        numbers = Decision.objects.filter(
            district_id=counter.district_id, number__startswith=f"D-{counter.year}-"
        )
        assert numbers.count() == counter.last
    for conversation in Conversation.objects.filter(person__isnull=False).select_related("person"):
        assert conversation.role_group == role_group_of(conversation.person)
    # Planning finds nothing to add: every pair is planned through the horizon.
    assert occurrences_plan() == 0


def test_the_apps_write_new_rows_after_the_seed_without_clashing(seeded):
    from decisions.services import decision_create

    district = District.objects.get(slug=scale.DISTRICT_SLUG)
    leader = User.objects.get(email=scale.EMAILS["superintendent"])
    decision = decision_create(
        district=district,
        by=leader,
        title="A decision after the seed",
        context="Numbers and ids continue.",
    )
    assert not Decision.objects.filter(number=decision.number).exclude(pk=decision.pk).exists()
    school = School.objects.create(district=district, name="A new school")
    assert school.pk > max(seeded["bench"]["school_id"], 1)
    assert CheckInPair.objects.create(
        district=district,
        supervisor=leader,
        principal=User.objects.get(email=scale.EMAILS["principal"]),
        school=school,
        weekday=1,
        local_time="09:00",
        starts_on="2026-01-05",
    ).pk


def test_seed_scale_refuses_a_database_that_already_has_the_scale_district(seeded, tmp_path):
    with pytest.raises(CommandError, match="already has"):
        call_command("seed_scale", "--scale", "0.002", "--output", str(tmp_path / "x.json"))


def test_seed_scale_counts_every_schools_rounding_coverage(seeded):
    schools = list(
        School.objects.filter(district__slug__in=[scale.DISTRICT_SLUG, scale.SMALL_SLUG])
    )
    rows = {row.school_id: row for row in SchoolCoverage.objects.all()}
    assert set(rows) == {school.pk for school in schools}
    for school in schools:
        talks = Conversation.objects.filter(visit__school=school)
        groups = talks.values_list("role_group").annotate(last=Max("visit__date"))
        last_visit = talks.aggregate(last=Max("visit__date"))
        row = rows[school.pk]
        assert row.district_id == school.district_id
        assert row.last_visit == last_visit["last"]
        assert row.last_met == {group: last.isoformat() for group, last in groups}
        met = {}
        for date, person_id in talks.values_list("visit__date", "person_id"):
            term = datetime.date(date.year, 8 if date.month >= 8 else 1, 1).isoformat()
            met.setdefault(term, []).append(person_id)
        assert row.met_by_term == {
            term: len(set(ids) - {None}) + ids.count(None) for term, ids in met.items()
        }
    assert any(row.met_by_term for row in rows.values())


def test_seed_scale_marks_when_each_green_follow_up_was_done(seeded):
    greens = FollowUp.objects.filter(status="green")
    assert greens.exists()
    assert not greens.filter(done_at__isnull=True).exists()
    assert not FollowUp.objects.exclude(status="green").filter(done_at__isnull=False).exists()
    for follow_up in greens[:20]:
        assert follow_up.done_at == follow_up.changes.get(new_status="green").at
