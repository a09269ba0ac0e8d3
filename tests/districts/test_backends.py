"""The sign-in backend loads the person, their district, teams and schools in one query."""

import datetime

from districts.backends import RosterBackend
from districts.models import TeamMembership, memberships_of


def test_the_signed_in_person_comes_with_district_teams_and_schools_in_one_query(
    principal, team, school, django_assert_num_queries
):
    with django_assert_num_queries(1):
        user = RosterBackend().get_user(principal.pk)
        found = memberships_of(user)
        assert user.district.name == "Cedar Valley"
    assert found.team_ids == (team.pk,)
    assert found.school_ids == (school.pk,)


def test_a_team_left_is_not_among_the_signed_in_persons_teams(principal, team, school):
    TeamMembership.objects.filter(user=principal).update(left_on=datetime.date.today())
    user = RosterBackend().get_user(principal.pk)
    assert memberships_of(user).team_ids == ()
    assert memberships_of(user).school_ids == (school.pk,)


def test_someone_with_no_teams_or_schools_has_none(superintendent):
    found = memberships_of(RosterBackend().get_user(superintendent.pk))
    assert found.team_ids == () and found.school_ids == ()
