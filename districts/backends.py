from django.contrib.auth.backends import ModelBackend
from django.db import connection

from .models import Memberships, User, current_team_ids, school_ids


class RosterBackend(ModelBackend):
    """Sign-in by e-mail; the signed-in person comes with their district in the same query.

    Every page shows the district and works in its time zone, and most ask what the person's
    teams and schools are (`memberships_of`), so loading both with the user saves two queries
    on each request. The teams and schools come as arrays on PostgreSQL; elsewhere
    `memberships_of` reads them when first asked.
    """

    def get_user(self, user_id):
        users = User._default_manager.select_related("district")
        if connection.vendor == "postgresql":
            from django.contrib.postgres.expressions import ArraySubquery
            from django.db.models import OuterRef

            users = users.annotate(
                member_team_ids=ArraySubquery(current_team_ids(OuterRef("pk"))),
                member_school_ids=ArraySubquery(school_ids(OuterRef("pk"))),
            )
        try:
            user = users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        if hasattr(user, "member_team_ids"):
            user._memberships = Memberships.of(user.member_team_ids, user.member_school_ids)
        return user if self.user_can_authenticate(user) else None
