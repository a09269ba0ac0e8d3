from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import available_timezones

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not a time zone; use a name such as America/Chicago.")


class District(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    timezone = models.CharField(
        max_length=64, default="America/Chicago", validators=[validate_timezone]
    )
    sourced_id = models.CharField("OneRoster sourcedId", max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["sourced_id"],
                condition=~Q(sourced_id=""),
                name="district_unique_sourced_id",
            )
        ]

    def __str__(self) -> str:
        return self.name


class DistrictQuerySet(models.QuerySet):
    """Rows owned by a district. `visible_to` is the first filter of every view.

    Nobody outside the district sees its rows; a model whose rows are not all for everyone in
    the district narrows them in `narrow_to`, which only ever sees a signed-in member of it.
    """

    def visible_to(self, user):
        if not user.is_authenticated or user.district_id is None:
            return self.none()
        return self.filter(district_id=user.district_id).narrow_to(user)

    def narrow_to(self, user):
        return self


class School(models.Model):
    class Level(models.TextChoices):
        ELEMENTARY = "elementary", "Elementary"
        MIDDLE = "middle", "Middle"
        HIGH = "high", "High"
        K8 = "k8", "K–8"
        OTHER = "other", "Other"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="schools")
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.OTHER)
    sourced_id = models.CharField("OneRoster sourcedId", max_length=255, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["district", "name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "sourced_id"],
                condition=~Q(sourced_id=""),
                name="school_unique_sourced_id",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("districts:school", args=[self.pk])


class Role(models.TextChoices):
    SUPERINTENDENT = "superintendent", "Superintendent"
    DISTRICT_LEADER = "district_leader", "District leader"
    PRINCIPAL = "principal", "Principal"
    TEACHER_LEADER = "teacher_leader", "Teacher leader"
    TEACHER = "teacher", "Teacher"
    STAFF = "staff", "Staff"
    STUDENT = "student", "Student"
    FAMILY = "family", "Family"
    COMMUNITY = "community", "Community member"
    BOARD_MEMBER = "board_member", "Board member"


DISTRICT_LEADER_ROLES = frozenset({Role.SUPERINTENDENT, Role.DISTRICT_LEADER})
STAFF_ROLES = frozenset(
    {
        Role.SUPERINTENDENT,
        Role.DISTRICT_LEADER,
        Role.PRINCIPAL,
        Role.TEACHER_LEADER,
        Role.TEACHER,
        Role.STAFF,
        Role.BOARD_MEMBER,
    }
)
TEACHING_ROLES = frozenset({Role.TEACHER, Role.TEACHER_LEADER})


class UserQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        """The people directory: staff see everyone; students, families and the community see staff."""
        if not user.is_staff_member:
            return self.filter(role__in=STAFF_ROLES)
        return self

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(title__icontains=text) | Q(email__icontains=text)
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def create_user(self, email=None, password=None, **fields):
        email = self.normalize_email(email).lower() if email else None
        user = self.model(email=email, **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password", "district"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password, **fields):
        fields.setdefault("name", email.split("@")[0])
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone the district knows: staff, students, families and community, with or without a login."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="people", null=True, blank=True
    )
    email = models.EmailField(unique=True, null=True, blank=True)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STAFF)
    title = models.CharField(
        max_length=120, blank=True, help_text="For example cook, new teacher, counselor."
    )
    schools = models.ManyToManyField(School, blank=True, related_name="people")
    sourced_id = models.CharField("OneRoster sourcedId", max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("admin site access", default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["district", "name"]),
            models.Index(fields=["district", "role"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "sourced_id"],
                condition=~Q(sourced_id=""),
                name="user_unique_sourced_id",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.email or f"person {self.pk}"

    def clean(self):
        if self.email:
            self.email = self.email.strip().lower()

    def get_absolute_url(self) -> str:
        return reverse("districts:person", args=[self.pk])

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else ""

    @property
    def is_district_leader(self) -> bool:
        """Superintendents and district leaders: they supervise principals, log rounding visits
        and read what spans the district's schools. Rules that let others in too
        (`may_see_stoplight` and `may_see_themes` in rounding) are other rules, named apart."""
        return self.role in DISTRICT_LEADER_ROLES

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_teacher(self) -> bool:
        return self.role in TEACHING_ROLES

    @property
    def can_sign_in(self) -> bool:
        return bool(self.email) and self.has_usable_password() and self.is_active


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
        LEAD = "lead", "Lead"
        FACILITATOR = "facilitator", "Facilitator"
        MEMBER = "member", "Member"
        INTEGRITY_STEWARD = "integrity_steward", "Integrity steward"

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
                violation_error_message="A member cannot leave before they joined.",
            ),
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(left_on__isnull=True),
                name="membership_one_current_per_person",
                violation_error_message="This person is already on the team.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_team_role_display()} of {self.team}"

    def clean(self):
        if self.team_id and self.user_id and self.team.district_id != self.user.district_id:
            raise ValidationError("Team members must belong to the team's district.")


class Theme(models.Model):
    """The district's shared words for tagging conversations, check-in problems and decision input."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "district", name="theme_unique_name_per_district"
            )
        ]

    def __str__(self) -> str:
        return self.name


# Shared purpose, guiding principles and codes of cooperation are living documents:
# the document row is stable, and every adopted wording is a revision that is never edited.


class RevisedDocument(models.Model):
    class Meta:
        abstract = True

    def current_revision(self):
        revisions = getattr(self, "prefetched_revisions", None)
        if revisions is not None:
            return revisions[0] if revisions else None
        return self.revisions.first()


class Revision(models.Model):
    text = models.TextField()
    adopted_on = models.DateField(default=datetime.date.today)
    review_on = models.DateField("due for review on", null=True, blank=True)
    participants = models.ManyToManyField(User, blank=True, related_name="+")
    participants_note = models.CharField(
        "who else took part",
        max_length=300,
        blank=True,
        help_text="Groups that are not in the roster, e.g. “grade 5 families at the spring meeting”.",
    )
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-adopted_on", "-created_at", "-pk"]

    def clean(self):
        if self.review_on and self.adopted_on and self.review_on <= self.adopted_on:
            raise ValidationError(
                {"review_on": "The review date must come after the adoption date."}
            )

    @property
    def review_is_due(self) -> bool:
        return self.review_on is not None and self.review_on <= timezone.localdate()


class SharedPurpose(RevisedDocument):
    """Why the district (or one school, as a variation) exists, in the words of the people it serves."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="purposes")
    school = models.OneToOneField(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="purpose"
    )

    objects = DistrictQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district"], condition=Q(school__isnull=True), name="one_district_purpose"
            )
        ]

    def __str__(self) -> str:
        return f"Shared purpose of {self.school or self.district}"


class SharedPurposeRevision(Revision):
    purpose = models.ForeignKey(SharedPurpose, on_delete=models.CASCADE, related_name="revisions")

    class Meta(Revision.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.purpose}, adopted {self.adopted_on}"


class GuidingPrinciple(RevisedDocument):
    """A principle decisions are tested against. A school may vary a district principle."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="principles")
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="principles"
    )
    varies = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="variations",
        help_text="The district principle this school's wording varies.",
    )
    title = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    retired_on = models.DateField(null=True, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        indexes = [models.Index(fields=["district", "school", "position"])]
        constraints = [
            models.UniqueConstraint(
                fields=["varies", "school"],
                condition=Q(varies__isnull=False),
                name="one_variation_per_school",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.varies_id:
            if self.school_id is None:
                raise ValidationError("Only a school's principle can vary a district principle.")
            if self.varies.school_id is not None:
                raise ValidationError("A variation must vary a district-wide principle.")


class GuidingPrincipleRevision(Revision):
    principle = models.ForeignKey(
        GuidingPrinciple, on_delete=models.CASCADE, related_name="revisions"
    )

    class Meta(Revision.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.principle}, adopted {self.adopted_on}"


class CodeOfCooperationQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        """The teacher who wrote it, the school's principal and district leaders."""
        if user.is_district_leader:
            return self
        if user.role == Role.PRINCIPAL:
            return self.filter(Q(teacher=user) | Q(school__in=user.schools.all()))
        return self.filter(teacher=user)


class CodeOfCooperation(RevisedDocument):
    """A teacher's agreement with a class on how they work together."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="codes")
    teacher = models.ForeignKey(User, on_delete=models.CASCADE, related_name="codes")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="codes")
    class_name = models.CharField(
        "class", max_length=120, help_text="For example “Grade 4, room 12”."
    )

    objects = CodeOfCooperationQuerySet.as_manager()

    class Meta:
        ordering = ["class_name"]
        indexes = [models.Index(fields=["district", "teacher"])]

    def __str__(self) -> str:
        return f"Code of cooperation, {self.class_name}"

    def get_absolute_url(self) -> str:
        return reverse("districts:code", args=[self.pk])


class CodeOfCooperationRevision(Revision):
    code = models.ForeignKey(CodeOfCooperation, on_delete=models.CASCADE, related_name="revisions")

    class Meta(Revision.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.code}, adopted {self.adopted_on}"


def can_revise_purpose(user, school: School | None) -> bool:
    """District leaders revise district-wide words; a school's principal revises its variation."""
    if not user.is_authenticated:
        return False
    if user.is_district_leader:
        return True
    return (
        school is not None
        and user.role == Role.PRINCIPAL
        and user.schools.filter(pk=school.pk).exists()
    )


def can_edit_code(user, code: CodeOfCooperation) -> bool:
    return user.is_authenticated and code.teacher_id == user.pk


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


class AuditEntryQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        """A district's leaders read its admin log; nobody else does."""
        return self if user.is_district_leader else self.none()


class AuditEntry(models.Model):
    """One change made in the Django admin, kept for the district's leaders to read.

    Append-only: written by `districts.audit.AuditedAdmin`, never changed or deleted through
    the ORM's instance methods. Values of fields that hold notes, passwords or authorship are
    written as "(hidden)" (see `districts.audit`).
    """

    class Action(models.TextChoices):
        ADD = "add", _("Added")
        CHANGE = "change", _("Changed")
        DELETE = "delete", _("Deleted")

    # Null for rows no district owns (platform staff, a district being set up); kept when a
    # district or person is deleted so the log outlives what it describes.
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=200)
    changes = models.TextField(blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["district", "-at", "-id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} “{self.object_label}”"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only: write a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")
