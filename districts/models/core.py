"""Districts, schools, people and their roles, and the querysets district-owned models build on."""

from __future__ import annotations

from zoneinfo import available_timezones

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(
            gettext("%(value)r is not a time zone; use a name such as America/Chicago.")
            % {"value": value}
        )


def validate_group_targets(value) -> None:
    """{role group: days}, as the settings page writes it; the admin's JSON box is checked too."""
    if not isinstance(value, dict) or not all(
        isinstance(key, str) and type(days) is int and 1 <= days <= 365
        for key, days in value.items()
    ):
        raise ValidationError(
            gettext('Give whole days from 1 to 365 per role group: {"cook": 21}.')
        )


REMINDER_DAYS_MAX = 7


class District(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    timezone = models.CharField(
        max_length=64, default="America/Chicago", validators=[validate_timezone]
    )
    sourced_id = models.CharField(_("OneRoster sourcedId"), max_length=255, blank=True)
    invite_students_and_families = models.BooleanField(
        _("students and families may be invited"),
        default=False,
        help_text=_("Off: only staff and community members get invitations to sign in."),
    )
    require_sso_for_staff = models.BooleanField(
        _("staff sign in with single sign-on only"),
        default=False,
        help_text=_("On: staff cannot sign in with a password or accept a password invitation."),
    )
    coverage_target_days = models.PositiveSmallIntegerField(
        _("visit every school at least every (days)"),
        default=42,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    # {role group: days} for the groups whose target differs from `coverage_target_days`.
    coverage_group_targets = models.JSONField(
        default=dict, blank=True, validators=[validate_group_targets]
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("check-in reminders, days before"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(REMINDER_DAYS_MAX)],
        help_text=_("Reminders go out this many days ahead, at the check-in's time of day."),
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("daily digest hour"),
        default=6,
        validators=[MaxValueValidator(23)],
        help_text=_("The hour (0–23, the district's time) the daily e-mail digest goes out."),
    )
    # The district's local date of its last digest run: claimed so that a day has one run.
    digest_sent_on = models.DateField(null=True, blank=True, editable=False)

    # The roster import's choices: OneRoster role -> our role, where the district differs from
    # the defaults (`districts.oneroster.ROLE_MAP`), and the users.csv column holding a
    # preferred language.
    roster_roles = models.JSONField(_("roster role mapping"), default=dict, blank=True)
    roster_language_column = models.CharField(
        _("preferred-language column"),
        max_length=100,
        blank=True,
        help_text=_(
            "The users.csv column that holds each person's preferred language, if your export "
            "has one (for example metadata.language). Empty: none is read."
        ),
    )
    # A folder on the server a rostering service delivers zips to (usually over SFTP); beat
    # imports each new one. Set by platform operators in the Django admin, not on the
    # district's own pages: it names a path on the server.
    roster_drop_folder = models.CharField(
        _("roster drop folder"),
        max_length=500,
        blank=True,
        help_text=_(
            "An absolute folder on the server. Each new .zip in it is imported once, in name "
            "order, and moved to done/ or failed/ beside a note of its result."
        ),
    )
    # The newest dateLastModified of the rosters applied: a delta older than it is refused.
    roster_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class RoundingVisitors(models.TextChoices):
        LEADERS = "leaders", _("District leaders only")
        LEADERS_AND_PRINCIPALS = (
            "principals",
            _("District leaders, and principals at their schools"),
        )

    rounding_visitors = models.CharField(
        _("who may log rounding visits"),
        max_length=20,
        choices=RoundingVisitors.choices,
        default=RoundingVisitors.LEADERS,
    )

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

    def coverage_target(self, group: str = "") -> int:
        """Days a school (or one role group at it) may go without a visit."""
        return int(self.coverage_group_targets.get(group) or self.coverage_target_days)


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
        ELEMENTARY = "elementary", _("Elementary")
        MIDDLE = "middle", _("Middle")
        HIGH = "high", _("High")
        K8 = "k8", _("K–8")
        OTHER = "other", _("Other")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="schools")
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.OTHER)
    sourced_id = models.CharField(_("OneRoster sourcedId"), max_length=255, blank=True)

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
    SUPERINTENDENT = "superintendent", _("Superintendent")
    DISTRICT_LEADER = "district_leader", _("District leader")
    PRINCIPAL = "principal", _("Principal")
    TEACHER_LEADER = "teacher_leader", _("Teacher leader")
    TEACHER = "teacher", _("Teacher")
    STAFF = "staff", _("Staff")
    STUDENT = "student", _("Student")
    FAMILY = "family", _("Family")
    COMMUNITY = "community", _("Community member")
    BOARD_MEMBER = "board_member", _("Board member")


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
        max_length=120, blank=True, help_text=_("For example cook, new teacher, counselor.")
    )
    schools = models.ManyToManyField(School, blank=True, related_name="people")
    sourced_id = models.CharField(_("OneRoster sourcedId"), max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(_("admin site access"), default=False)
    is_district_admin = models.BooleanField(
        _("district administrator"),
        default=False,
        help_text=_(
            "Runs the district in Roundtable: people, invitations, schools, teams, settings."
        ),
    )
    # Set when a roster import no longer lists the person: they are deactivated and shown as
    # "left", and come back (cleared, active again) when a later import lists them.
    left_roster_at = models.DateTimeField(_("left the roster"), null=True, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=35, blank=True, help_text=_("As the roster gives it.")
    )
    # The language the person reads pages, notices and e-mails in: a code of LANGUAGES, or empty
    # for the browser's (and English in e-mails). `language_chosen`: the person chose it, so an
    # administrator's setting, or the roster's preferred language, never replaces it.
    language = models.CharField(_("language"), max_length=12, blank=True)
    language_chosen = models.BooleanField(default=False, editable=False)
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
    def may_be_invited(self) -> bool:
        """Students and families only when their district has turned that on."""
        if not (self.email and self.is_active and self.district_id):
            return False
        if self.role in (Role.STUDENT, Role.FAMILY):
            return self.district.invite_students_and_families
        return True

    @property
    def must_use_sso(self) -> bool:
        return (
            self.district_id is not None
            and self.is_staff_member
            and self.district.require_sso_for_staff
        )

    @property
    def can_sign_in(self) -> bool:
        return bool(self.email) and self.has_usable_password() and self.is_active
