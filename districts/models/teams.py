"""Leadership teams, who is on them, and the teams and schools a person belongs to."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import CharField, Q, StringAgg, Subquery, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .core import District, DistrictQuerySet, School, User


class LeadershipTeam(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="teams")
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="teams"
    )
    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    members = models.ManyToManyField(User, through="TeamMembership", related_name="teams")

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["district", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("districts:team", args=[self.pk])

    def current_memberships(self):
        return self.memberships.current().select_related("user")


class TeamMembershipQuerySet(models.QuerySet):
    def current(self):
        """Memberships nobody has left yet."""
        return self.filter(left_on__isnull=True)


class TeamMembership(models.Model):
    class TeamRole(models.TextChoices):
        LEAD = "lead", _("Lead")
        FACILITATOR = "facilitator", _("Facilitator")
        MEMBER = "member", _("Member")
        INTEGRITY_STEWARD = "integrity_steward", _("Integrity steward")

    team = models.ForeignKey(LeadershipTeam, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team_role = models.CharField(max_length=20, choices=TeamRole.choices, default=TeamRole.MEMBER)
    joined_on = models.DateField(default=datetime.date.today)
    left_on = models.DateField(null=True, blank=True)

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["joined_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
                violation_error_message=_("A member cannot leave before they joined."),
            ),
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(left_on__isnull=True),
                name="membership_one_current_per_person",
                violation_error_message=_("This person is already on the team."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_team_role_display()} of {self.team}"

    def clean(self):
        if self.team_id and self.user_id and self.team.district_id != self.user.district_id:
            raise ValidationError(_("Team members must belong to the team's district."))


@dataclass(frozen=True)
class Memberships:
    team_ids: tuple[int, ...]
    school_ids: tuple[int, ...]

    @classmethod
    def of(cls, team_ids, school_ids) -> Memberships:
        return cls(team_ids=tuple(sorted(team_ids)), school_ids=tuple(sorted(school_ids)))


def current_team_ids(user):
    """Ids of the teams `user` (a person, a pk or an OuterRef) is a member of today."""
    return TeamMembership.objects.current().filter(user=user).order_by().values("team_id")


def school_ids(user):
    """Ids of the schools of `user` (a person, a pk or an OuterRef)."""
    return User.schools.through.objects.filter(user=user).order_by().values("school_id")


def joined_ids(ids, column: str) -> Subquery:
    """The ids of a per-person subquery as one text cell ("3,7,12"), on SQLite and PostgreSQL.

    A string aggregate is the one both databases share (SQLite has no arrays), so the
    teams and schools ride on the user's own query on either database.
    """
    return Subquery(
        ids.values("user_id")
        .annotate(joined=StringAgg(Cast(column, CharField()), Value(",")))
        .values("joined")
    )


def split_ids(joined: str | None) -> list[int]:
    return [int(pk) for pk in (joined or "").split(",") if pk]


def memberships_of(user) -> Memberships:
    """The teams (current memberships) and schools of this person, in one query.

    Kept on the user object, which lives for one request: the pages that ask who may see a
    decision ask several times, and literal ids make smaller SQL than nested subqueries, and
    SQL Django builds and PostgreSQL plans faster. A change of membership shows from the
    person's next request; the sign-in backend loads them with the user.
    """
    cached = getattr(user, "_memberships", None)
    if cached is not None:
        return cached
    teams = current_team_ids(user.pk).annotate(kind=Value("team")).values_list("kind", "team_id")
    schools = school_ids(user.pk).annotate(kind=Value("school")).values_list("kind", "school_id")
    rows = list(teams.union(schools, all=True).order_by())
    found = Memberships.of(
        (pk for kind, pk in rows if kind == "team"), (pk for kind, pk in rows if kind == "school")
    )
    user._memberships = found
    return found
