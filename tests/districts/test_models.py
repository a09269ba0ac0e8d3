import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from districts import services
from districts.models import (
    CodeOfCooperation,
    District,
    GuidingPrinciple,
    LeadershipTeam,
    School,
    TeamMembership,
    User,
)

pytestmark = pytest.mark.django_db


def test_email_is_stored_lowercase_and_sign_in_ignores_case(district):
    user = User.objects.create_user(
        email="Mixed.Case@Cedar.Example", password="pw-12345678", district=district, name="M"
    )
    assert user.email == "mixed.case@cedar.example"
    assert User.objects.get_by_natural_key("MIXED.case@cedar.example") == user


def test_roster_person_without_password_cannot_sign_in(student):
    assert not student.has_usable_password()
    assert not student.can_sign_in


def test_people_without_email_do_not_collide(district):
    User.objects.create_user(district=district, name="First student", role="student")
    User.objects.create_user(district=district, name="Second student", role="student")
    assert User.objects.filter(email__isnull=True).count() == 2


def test_district_rejects_unknown_timezone():
    district = District(name="Nowhere", slug="nowhere", timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="not a time zone"):
        district.full_clean()


def test_member_cannot_leave_before_joining(team, teacher):
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMembership.objects.create(
            team=team,
            user=teacher,
            joined_on=datetime.date(2026, 5, 1),
            left_on=datetime.date(2026, 4, 1),
        )


def test_person_is_on_a_team_once_at_a_time(team, principal):
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMembership.objects.create(team=team, user=principal)


def test_person_may_rejoin_after_leaving(team, principal):
    membership = team.memberships.get(user=principal)
    membership.joined_on = datetime.date(2025, 1, 1)
    membership.left_on = datetime.date(2025, 6, 1)
    membership.save()
    TeamMembership.objects.create(team=team, user=principal)
    assert team.current_memberships().filter(user=principal).count() == 1


def test_team_member_must_be_of_the_teams_district(team, outsider):
    with pytest.raises(ValidationError, match="district"):
        TeamMembership(team=team, user=outsider).full_clean()


def test_revision_review_date_must_follow_adoption(district, superintendent):
    with pytest.raises(ValidationError, match="review date"):
        services.purpose_revise(
            district=district,
            school=None,
            by=superintendent,
            text="Purpose",
            adopted_on=datetime.date(2026, 5, 1),
            review_on=datetime.date(2026, 4, 1),
        )


def test_new_purpose_wording_keeps_the_old_one(district, superintendent):
    first = services.purpose_revise(
        district=district,
        school=None,
        by=superintendent,
        text="Old",
        adopted_on=datetime.date(2025, 1, 1),
    )
    second = services.purpose_revise(
        district=district,
        school=None,
        by=superintendent,
        text="New",
        adopted_on=datetime.date(2026, 1, 1),
    )
    purpose = first.purpose
    assert second.purpose == purpose
    assert purpose.current_revision().text == "New"
    assert [r.text for r in purpose.revisions.all()] == ["New", "Old"]


def test_revision_participants_from_another_district_are_dropped(
    district, superintendent, outsider, teacher
):
    revision = services.purpose_revise(
        district=district,
        school=None,
        by=superintendent,
        text="Purpose",
        adopted_on=datetime.date(2026, 1, 1),
        participants=[teacher, outsider],
    )
    assert list(revision.participants.all()) == [teacher]


def test_school_variation_must_vary_a_district_principle(district, school, superintendent):
    base = services.principle_create(
        district=district,
        title="Students first",
        by=superintendent,
        text="t",
        adopted_on=datetime.date(2026, 1, 1),
    )
    variation = services.principle_create(
        district=district,
        school=school,
        varies=base,
        title="Students first",
        by=superintendent,
        text="Here",
        adopted_on=datetime.date(2026, 2, 1),
    )
    with pytest.raises(ValidationError, match="district-wide"):
        GuidingPrinciple(district=district, school=school, varies=variation, title="x").full_clean()
    with pytest.raises(ValidationError, match="school's principle"):
        GuidingPrinciple(district=district, varies=base, title="x").full_clean()


def test_visible_to_scopes_to_the_users_district(school, other_school, superintendent, outsider):
    assert list(School.objects.visible_to(superintendent)) == [school]
    assert list(School.objects.visible_to(outsider)) == [other_school]


def test_students_families_and_community_see_only_staff_in_the_directory(
    community_member, student, teacher, superintendent
):
    visible = set(User.objects.visible_to(community_member))
    assert teacher in visible and superintendent in visible
    assert student not in visible
    assert student in set(User.objects.visible_to(teacher))


def test_code_of_cooperation_visibility(
    code, teacher, principal, superintendent, district, school, outsider
):
    other_teacher = User.objects.create_user(
        district=district, name="T2", role="teacher", email="t2@x.example"
    )
    other_teacher.schools.set([school])
    principal_elsewhere = User.objects.create_user(
        district=district, name="P2", role="principal", email="p2@x.example"
    )
    principal_elsewhere.schools.set([School.objects.create(district=district, name="Other school")])
    visible = CodeOfCooperation.objects.visible_to
    assert code in visible(teacher)
    assert code in visible(principal)
    assert code in visible(superintendent)
    assert code not in visible(other_teacher)
    assert code not in visible(principal_elsewhere)
    assert code not in visible(outsider)


def test_team_without_school_is_district_wide(district):
    team = LeadershipTeam.objects.create(district=district, name="T")
    assert team.school is None
    assert team.get_absolute_url().endswith(f"/teams/{team.pk}/")
