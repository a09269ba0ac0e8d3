"""What hangs off a decision: who it involves, their input, who may decide, what was learned."""

from __future__ import annotations

import hashlib
import hmac
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from districts.models import (
    District,
    DistrictQuerySet,
    GuidingPrinciple,
    LeadershipTeam,
    Role,
    School,
    TeamMembership,
    Theme,
    User,
)

from ..choices import (
    STOPPING_KINDS,
    Authority,
    Domain,
    InputKind,
    Involvement,
    Level,
    Resolution,
    StakeholderKind,
)
from .decision import Decision


class DecisionPrinciple(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="tested")
    principle = models.ForeignKey(GuidingPrinciple, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(
        blank=True, help_text=gettext_lazy("How the decision holds up against it.")
    )

    class Meta:
        ordering = ["principle__position", "principle__title"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "principle"], name="principle_once")
        ]

    def __str__(self) -> str:
        return f"{self.decision.number} tested against {self.principle}"

    def clean(self):
        if self.principle.district_id != self.decision.district_id:
            raise ValidationError(_("Choose a principle of this district."))


class Stakeholder(models.Model):
    """A person or a group, with how they are involved. Groups resolve to people when read."""

    Kind = StakeholderKind

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="stakeholders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    person = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True)
    team = models.ForeignKey(LeadershipTeam, on_delete=models.CASCADE, null=True, blank=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    involvement = models.CharField(max_length=12, choices=Involvement.choices)

    class Meta:
        ordering = ["involvement", "kind", "pk"]
        indexes = [
            models.Index(fields=["district", "decision", "involvement"]),
            # A reader's stakes across the district (`access.stakes_of`): the whole district's
            # and a role's stakeholders are read through it, people and teams through their own.
            models.Index(fields=["district", "kind", "role"], name="stakeholder_kind_role"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="person", person__isnull=False)
                    | Q(kind="team", team__isnull=False)
                    | Q(kind="school", school__isnull=False)
                    | Q(kind="role", role__gt="")
                    | Q(kind="district")
                ),
                name="stakeholder_names_its_group",
                violation_error_message=gettext_lazy("Name the person, team, school or role."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.describe()} ({self.get_involvement_display().lower()})"

    def describe(self) -> str:
        match self.kind:
            case self.Kind.PERSON:
                return str(self.person)
            case self.Kind.TEAM:
                return str(self.team)
            case self.Kind.SCHOOL:
                return _("Everyone at %(school)s") % {"school": self.school}
            case self.Kind.ROLE:
                plural = f"{self.get_role_display()}s"
                if self.school_id:
                    return _("%(roles)s at %(school)s") % {"roles": plural, "school": self.school}
                return _("All %(roles)s") % {"roles": plural.lower()}
            case _:
                return _("The whole district")

    def clean(self):
        for field in ("person", "team", "school"):
            related = getattr(self, field)
            if related is not None and related.district_id != self.district_id:
                raise ValidationError({field: _("Choose someone or something of this district.")})
        if self.kind == self.Kind.PERSON and not self.person_id:
            raise ValidationError({"person": _("Choose the person.")})
        if self.kind == self.Kind.TEAM and not self.team_id:
            raise ValidationError({"team": _("Choose the team.")})
        if self.kind == self.Kind.SCHOOL and not self.school_id:
            raise ValidationError({"school": _("Choose the school.")})
        if self.kind == self.Kind.ROLE and not self.role:
            raise ValidationError({"role": _("Choose the role.")})

    def people_q(self) -> Q:
        """A Q on User for the people this stakeholder stands for, today."""
        match self.kind:
            case self.Kind.PERSON:
                return Q(pk=self.person_id)
            case self.Kind.TEAM:
                return Q(
                    pk__in=TeamMembership.objects.filter(
                        team_id=self.team_id, left_on__isnull=True
                    ).values("user_id")
                )
            case self.Kind.SCHOOL:
                return Q(schools=self.school_id)
            case self.Kind.ROLE:
                return (
                    Q(role=self.role, schools=self.school_id)
                    if self.school_id
                    else Q(role=self.role)
                )
            case _:
                return Q()

    def people(self):
        return (
            User.objects.filter(district_id=self.district_id, is_active=True)
            .filter(self.people_q())
            .distinct()
        )


def anonymous_key(decision_id: int, user_id: int) -> str:
    """Who gave anonymous input, sealed: comparable for "one each", never reversible without the key."""
    message = f"decisions.input:{decision_id}:{user_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def anonymous_keys(decision_ids, user_id: int) -> list[str]:
    """`anonymous_key` of one person on each of many decisions: the key's start is hashed once."""
    start = hmac.new(settings.SECRET_KEY.encode(), b"decisions.input:", hashlib.sha256)
    end = f":{user_id}".encode()
    keys = []
    for decision_id in decision_ids:
        sealed = start.copy()
        sealed.update(b"%d%b" % (decision_id, end))
        keys.append(sealed.hexdigest())
    return keys


class InputQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(decision__in=Decision.objects.visible_to(user).values("pk"))

    def in_reading_order(self):
        # Random ids, never creation order: the order of anonymous input tells nothing.
        return self.order_by("kind", "id")

    def newest_first(self):
        """The most recent day first; within a day, the reading order.

        The day is all that is kept of when input was given (and shown next to it), so this
        order tells nothing the page does not already say.
        """
        return self.order_by("-given_on", "kind", "id")


class Input(models.Model):
    Kind = InputKind
    Resolution = Resolution

    # A random id: neither its order nor its value says when anonymous input was given.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="inputs")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    # Named input only. Anonymous input keeps no link to its author, only a sealed key.
    author = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="decision_inputs"
    )
    is_anonymous = models.BooleanField(default=False)
    # NULL for named input, so the "one anonymous input each" constraint ignores it.
    anonymous_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )
    # The day only: a time of day could be matched against who was online.
    given_on = models.DateField(default=timezone.localdate, editable=False)
    themes = models.ManyToManyField(Theme, blank=True, related_name="decision_inputs")
    changed_decision = models.BooleanField(
        default=False,
        help_text=gettext_lazy("The deciders changed the decision because of this input."),
    )
    response = models.TextField(blank=True, help_text=gettext_lazy("The deciders' answer."))
    responded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How an objection or a block stopped standing in the way (empty: it still stands).
    resolution = models.CharField(max_length=14, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(gettext_lazy("why"), blank=True)

    objects = InputQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "id"]
        indexes = [
            models.Index(fields=["district", "decision", "kind"]),
            # "My input" looks anonymous input up by the keys its reader computes.
            models.Index(
                fields=["district", "anonymous_key"],
                condition=Q(anonymous_key__isnull=False),
                name="input_anonymous_key",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "anonymous_key"],
                condition=Q(anonymous_key__isnull=False),
                name="one_anonymous_input_per_person",
                violation_error_message=gettext_lazy(
                    "You have already given anonymous input on this decision."
                ),
            ),
            models.CheckConstraint(
                condition=Q(is_anonymous=True, author__isnull=True, anonymous_key__isnull=False)
                | Q(is_anonymous=False, anonymous_key__isnull=True),
                name="anonymous_input_has_no_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.decision_id}"

    @property
    def stands(self) -> bool:
        """An objection or a block that nothing has resolved yet."""
        return self.kind in STOPPING_KINDS and not self.resolution

    @property
    def author_label(self) -> str:
        if self.is_anonymous:
            return _("Anonymous")
        return self.author.name if self.author else _("A former member")


class DecisionRight(models.Model):
    """One line of the map of who may decide what: the autonomy staff can count on."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    domain = models.CharField(max_length=30, choices=Domain.choices)
    level = models.CharField(max_length=10, choices=Level.choices)
    team = models.ForeignKey(
        LeadershipTeam, on_delete=models.CASCADE, null=True, blank=True, related_name="rights"
    )
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    authority = models.CharField(max_length=12, choices=Authority.choices)
    note = models.CharField(max_length=300, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["domain", "level", "authority", "pk"]
        indexes = [models.Index(fields=["district", "domain", "level"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(team__isnull=False, role="") | Q(team__isnull=True, role__gt="")),
                name="right_held_by_team_or_role",
                violation_error_message=gettext_lazy(
                    "A right is held by a team or by a role, not both."
                ),
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.holder} {self.get_authority_display().lower()} on {self.get_domain_display()}"
        )

    @property
    def holder(self) -> str:
        return str(self.team) if self.team_id else f"{self.get_role_display()}s"

    def clean(self):
        if bool(self.team_id) == bool(self.role):
            raise ValidationError(_("Choose a team or a role, not both."))
        if self.team_id and self.team.district_id != self.district_id:
            raise ValidationError({"team": _("Choose a team of this district.")})


class Reflection(models.Model):
    class Verdict(models.TextChoices):
        KEEP = "keep", gettext_lazy("Keep it")
        ADJUST = "adjust", gettext_lazy("Adjust it")
        SUPERSEDE = "supersede", gettext_lazy("Replace it with a new decision")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    what_happened = models.TextField(gettext_lazy("what happened"))
    unanticipated = models.TextField(gettext_lazy("unanticipated consequences"), blank=True)
    effect_on_students = models.TextField(gettext_lazy("effect on students"), blank=True)
    learned = models.TextField(gettext_lazy("what we learned"), blank=True)
    verdict = models.CharField(
        gettext_lazy("would we decide the same?"), max_length=10, choices=Verdict.choices
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "decision"])]

    def __str__(self) -> str:
        return f"Reflection on {self.decision_id}"
