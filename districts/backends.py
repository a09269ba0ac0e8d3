from django.contrib.auth.backends import ModelBackend
from django.db import connection

from .models import Memberships, TeamMembership, User


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
                member_team_ids=ArraySubquery(
                    TeamMembership.objects.filter(user=OuterRef("pk"), left_on__isnull=True)
                    .order_by("team_id")
                    .values("team_id")
                ),
                member_school_ids=ArraySubquery(
                    User.schools.through.objects.filter(user=OuterRef("pk"))
                    .order_by("school_id")
                    .values("school_id")
                ),
            )
        try:
            user = users.get(pk=user_id)
        except User.DoesNotExist:
            return None
        if hasattr(user, "member_team_ids"):
            user._memberships = Memberships(
                team_ids=tuple(user.member_team_ids), school_ids=tuple(user.member_school_ids)
            )
        return user if self.user_can_authenticate(user) else None
