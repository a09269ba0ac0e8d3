from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef

from .models import Memberships, User, current_team_ids, joined_ids, school_ids, split_ids


class RosterBackend(ModelBackend):
    """Sign-in by e-mail; the signed-in person comes with their district in the same query.

    Every page shows the district and works in its time zone, and most ask what the person's
    teams and schools are (`memberships_of`), so loading both with the user saves a query on
    each request.
    """

    def get_user(self, user_id):
        users = User._default_manager.select_related("district").annotate(
            member_team_ids=joined_ids(current_team_ids(OuterRef("pk")), "team_id"),
            member_school_ids=joined_ids(school_ids(OuterRef("pk")), "school_id"),
        )
        try:
            user = users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        user._memberships = Memberships.of(
            split_ids(user.member_team_ids), split_ids(user.member_school_ids)
        )
        return user if self.user_can_authenticate(user) else None


class ThrottledSignIn(AxesStandaloneBackend):
    """First in AUTHENTICATION_BACKENDS: refuses sign-ins while an account or address is
    locked out (see `districts.signin`). Checks with no request (`Client.login` in tests, a
    shell) are not web sign-ins and pass on to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
