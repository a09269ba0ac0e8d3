"""Rounding: visits to schools, the conversations held there, celebrations and follow-ups.

Who sees what: conversation notes belong to the visit's visitors and district leaders. The
school's principal sees themes, celebrations and follow-ups, never who said what. Staff see
the stoplight report and shared celebrations. Nothing crosses districts.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from districts.bounds import check_date
from districts.crypto import EncryptedTextField
from districts.models import STAFF_ROLES, District, DistrictQuerySet, Role, School, Theme, User


def check_field(check, value, name: str) -> None:
    """Run one of the `districts.bounds` checks, reporting its error on the field."""
    try:
        check(value)
    except ValidationError as error:
        raise ValidationError({name: error}) from None


RECOGNITION_ACK_HOURS = 72


class RoleGroup(models.TextChoices):
    """Who a conversation was with, in the groups coverage is counted by."""

    COOK = "cook", gettext_lazy("Cook")
    CUSTODIAN = "custodian", gettext_lazy("Custodian")
    NEW_TEACHER = "new_teacher", gettext_lazy("New teacher")
    TEACHER = "teacher", gettext_lazy("Teacher")
    TEACHER_LEADER = "teacher_leader", gettext_lazy("Teacher leader")
    PRINCIPAL = "principal", gettext_lazy("Principal")
    STUDENT = "student", gettext_lazy("Student")
    STAFF = "staff", gettext_lazy("Other staff")
    FAMILY = "family", gettext_lazy("Family")


def term_start(day: datetime.date) -> datetime.date:
    """Terms start on 1 August and 1 January."""
    return datetime.date(day.year, 8 if day.month >= 8 else 1, 1)


def next_term_start(start: datetime.date) -> datetime.date:
    return datetime.date(start.year + 1, 1, 1) if start.month >= 8 else start.replace(month=8)


def role_group_of(person: User) -> str:
    """The coverage group of a roster person, from their title first (a cook is staff by role)."""
    title = (person.title or "").lower()
    if "cook" in title or "kitchen" in title or "food" in title:
        return RoleGroup.COOK
    if "custodian" in title or "janitor" in title:
        return RoleGroup.CUSTODIAN
    if "new teacher" in title:
        return RoleGroup.NEW_TEACHER
    return {
        Role.TEACHER: RoleGroup.TEACHER,
        Role.TEACHER_LEADER: RoleGroup.TEACHER_LEADER,
        Role.PRINCIPAL: RoleGroup.PRINCIPAL,
        Role.STUDENT: RoleGroup.STUDENT,
        Role.FAMILY: RoleGroup.FAMILY,
    }.get(person.role, RoleGroup.STAFF)


def is_principal_of(user, school_id: int) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.PRINCIPAL
        and user.schools.filter(pk=school_id).exists()
    )


def may_start_visits(user) -> bool:
    """District leaders start visits; principals too (at their own schools) where the district
    settings say so. Whoever started a visit, or was named a visitor, logs it."""
    if not user.is_authenticated or user.district_id is None:
        return False
    if user.is_district_leader:
        return True
    return (
        user.role == Role.PRINCIPAL
        and user.district.rounding_visitors == District.RoundingVisitors.LEADERS_AND_PRINCIPALS
    )


def visit_schools(user):
    """The schools where this person may start a visit."""
    if not may_start_visits(user):
        return School.objects.none()
    schools = School.objects.filter(district_id=user.district_id)
    return schools if user.is_district_leader else schools.filter(pk__in=user.schools.all())


def may_see_stoplight(user, school: School) -> bool:
    """District leaders and the school's own staff see its stoplight report."""
    if not user.is_authenticated or user.district_id != school.district_id:
        return False
    if user.is_district_leader:
        return True
    return user.role in STAFF_ROLES and user.schools.filter(pk=school.pk).exists()


def may_see_themes(user) -> bool:
    return user.is_authenticated and (user.is_district_leader or user.role == Role.PRINCIPAL)


class RoundingVisitQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        """The visitors and district leaders; nobody else opens a visit."""
        if user.is_district_leader:
            return self
        return self.filter(visitors=user).distinct()


class RoundingVisit(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="visits")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField(default=datetime.date.today)
    visitors = models.ManyToManyField(User, related_name="rounding_visits")
    purpose = models.CharField(
        max_length=300,
        blank=True,
        help_text=gettext_lazy("For example “meet the kitchen team, new teachers”."),
    )
    summary = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundingVisitQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["district", "-date"]),
            models.Index(fields=["district", "school", "-date"]),
        ]

    def __str__(self) -> str:
        return _("Visit to %(school)s on %(date)s") % {"school": self.school, "date": self.date}

    def get_absolute_url(self) -> str:
        return reverse("rounding:visit", args=[self.pk])

    def clean(self):
        if self.school_id and self.district_id and self.school.district_id != self.district_id:
            raise ValidationError(_("The school must belong to the visit's district."))
        check_field(check_date, self.date, "date")
        if self.district_id and self.date > timezone.localdate(
            timezone=ZoneInfo(self.district.timezone)
        ):
            raise ValidationError(
                {"date": _("A visit cannot be dated in the future: log it on the day.")}
            )


class SchoolCoverage(models.Model):
    """How recently a school was visited and each of its groups met: one row per school.

    The coverage page and the district home read these rows instead of every visit and
    conversation. The services count each new visit and conversation into its school's row in
    the same transaction (`services.coverage_count_in`); the admin's edits and deletes recount
    the schools they touched (`services.coverage_recount`).
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="coverage")
    last_visit = models.DateField(null=True, blank=True)
    # Role group → ISO date of the latest visit with a conversation in that group.
    last_met = models.JSONField(default=dict, blank=True)
    # Term start (ISO date) → people met on visits in that term: each roster person once, plus
    # each conversation with someone not in the roster.
    met_by_term = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["district", "last_visit"])]

    def __str__(self) -> str:
        return _("Coverage of %(school)s") % {"school": self.school_id}

    def last_met_on(self, group: str) -> datetime.date | None:
        date = self.last_met.get(group)
        return datetime.date.fromisoformat(date) if date else None


class ConversationQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        """Who said what: the visit's visitors and district leaders only."""
        if user.is_district_leader:
            return self
        return self.filter(visit__visitors=user).distinct()


class Conversation(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    visit = models.ForeignKey(RoundingVisit, on_delete=models.CASCADE, related_name="conversations")
    person = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rounding_conversations",
        help_text=gettext_lazy("Someone in the roster."),
    )
    name = models.CharField(
        max_length=200,
        blank=True,
        help_text=gettext_lazy("When they are not in the roster; a first name is enough."),
    )
    role_group = models.CharField(gettext_lazy("role"), max_length=20, choices=RoleGroup.choices)
    working = EncryptedTextField(gettext_lazy("what is working well"), blank=True)
    concerns = EncryptedTextField(gettext_lazy("what gets in the way"), blank=True)
    ideas = EncryptedTextField(gettext_lazy("what could we do better"), blank=True)
    recognition = EncryptedTextField(gettext_lazy("anyone who deserves recognition"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="rounding_conversations")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["district", "visit"]),
            models.Index(fields=["district", "person"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(name=""),
                name="conversation_has_someone",
                violation_error_message=gettext_lazy(
                    "Pick someone from the roster or write a name."
                ),
            )
        ]

    def __str__(self) -> str:
        return _("Conversation with %(name)s") % {"name": self.display_name}

    @property
    def display_name(self) -> str:
        return self.person.name if self.person_id else self.name

    def clean(self):
        if self.person_id is None and not self.name.strip():
            raise ValidationError(_("Pick someone from the roster or write a name."))
        if self.person_id and self.person.district_id != self.district_id:
            raise ValidationError(_("This person is not in the district's roster."))


class CelebrationQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        """Shared celebrations: everyone in the district. Unshared: leaders and the school's principal."""
        if user.is_district_leader:
            return self
        if user.role == Role.PRINCIPAL:
            return self.filter(Q(shared=True) | Q(school__in=user.schools.all()))
        return self.filter(shared=True)


class Celebration(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="celebrations")
    visit = models.ForeignKey(
        RoundingVisit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="celebrations",
    )
    person = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="celebrations"
    )
    name = models.CharField(gettext_lazy("who"), max_length=200, blank=True)
    what = models.TextField(gettext_lazy("what to celebrate"))
    shared = models.BooleanField(
        gettext_lazy("share on the school's page"),
        default=True,
        help_text=gettext_lazy("Staff and families can see it."),
    )
    acknowledged_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CelebrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["district", "school", "-created_at"]),
            # The district home counts the recognitions still waiting: few among many.
            models.Index(
                fields=["district", "created_at"],
                condition=Q(acknowledged_on__isnull=True),
                name="celebration_awaiting_ack",
            ),
        ]

    def __str__(self) -> str:
        return _("Celebrating %(name)s") % {"name": self.who}

    @property
    def who(self) -> str:
        return self.person.name if self.person_id else self.name

    @property
    def awaits_acknowledgement(self) -> bool:
        """Recognition should reach the person within three days."""
        return (
            self.acknowledged_on is None
            and timezone.now() - self.created_at > datetime.timedelta(hours=RECOGNITION_ACK_HOURS)
        )

    def acknowledge(self, *, on: datetime.date | None = None) -> None:
        if self.acknowledged_on is not None:
            raise ValidationError(_("This recognition was already acknowledged."))
        self.acknowledged_on = on or timezone.localdate()
        self.save(update_fields=["acknowledged_on"])


def may_acknowledge(user, celebration: Celebration) -> bool:
    return user.is_authenticated and (
        user.is_district_leader or is_principal_of(user, celebration.school_id)
    )


class FollowUpQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        """Leaders: all; a school's staff: their school's (the stoplight); anyone: what they own."""
        if user.is_district_leader:
            return self
        if user.role in STAFF_ROLES:
            return self.filter(Q(school__in=user.schools.all()) | Q(owner=user)).distinct()
        return self.none()

    def open(self):
        return self.exclude(status=FollowUp.Status.GREEN)


class FollowUp(models.Model):
    class Status(models.TextChoices):
        NEW = "new", gettext_lazy("Not started")
        YELLOW = "yellow", gettext_lazy("In progress")
        GREEN = "green", gettext_lazy("Done")
        RED = "red", gettext_lazy("Cannot do")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="follow_ups")
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    what = models.CharField(
        gettext_lazy("what we will do"),
        max_length=300,
        help_text=gettext_lazy("Written for the school's staff; no names of who raised it."),
    )
    heard = models.CharField(
        gettext_lazy("what we heard"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy("The concern in general words; no names."),
    )
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="rounding_follow_ups")
    due_on = models.DateField(gettext_lazy("due date"))
    # A new commitment has not been started: "in progress" is for its owner to say.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    reason = models.TextField(
        blank=True, help_text=gettext_lazy("Why it cannot be done, or what was done.")
    )
    # When it turned green: the stoplight lists the latest done first without reading the history.
    done_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["district", "school", "status"]),
            models.Index(fields=["district", "owner", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="red") | ~Q(reason=""),
                name="follow_up_red_needs_reason",
                violation_error_message=gettext_lazy("Say why it cannot be done."),
            )
        ]

    def __str__(self) -> str:
        return self.what

    def get_absolute_url(self) -> str:
        return reverse("rounding:follow_up", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.GREEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    def clean(self):
        if self.status == self.Status.RED and not self.reason.strip():
            raise ValidationError({"reason": _("Say why it cannot be done.")})
        check_field(check_date, self.due_on, "due_on")
        visit_date = self.conversation.visit.date if self.conversation_id else None
        if self.due_on and visit_date and self.due_on < visit_date:
            raise ValidationError(
                {
                    "due_on": _("A follow-up cannot be due before the visit it came from (%s).")
                    % date_format(visit_date)
                }
            )

    @transaction.atomic
    def change_status(self, *, to: str, by: User, reason: str = "") -> FollowUpStatusChange:
        """Move the stoplight and keep the history row in the same transaction."""
        if to not in self.Status.values:
            raise ValidationError(_("Choose not started, green, yellow or red."))
        reason = reason.strip()
        if to == self.status and reason == self.reason:
            raise ValidationError(_("The follow-up already has this status."))
        if to == self.Status.RED and not reason:
            raise ValidationError({"reason": _("Say why it cannot be done.")})
        old, now = self.status, timezone.now()
        self.status, self.reason = to, reason
        if to != self.Status.GREEN:
            self.done_at = None
        elif old != self.Status.GREEN:
            self.done_at = now
        self.full_clean()
        self.save(update_fields=["status", "reason", "done_at"])
        return FollowUpStatusChange.objects.create(
            district_id=self.district_id,
            follow_up=self,
            by=by,
            at=now,
            old_status=old,
            new_status=to,
            reason=reason,
        )


def may_change_status(user, follow_up: FollowUp) -> bool:
    """The owner, district leaders and the school's principal move the stoplight."""
    return user.is_authenticated and (
        user.is_district_leader
        or follow_up.owner_id == user.pk
        or is_principal_of(user, follow_up.school_id)
    )


class FollowUpStatusChange(models.Model):
    """Append-only history of a follow-up's stoplight."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="changes")
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    old_status = models.CharField(max_length=10, choices=FollowUp.Status.choices)
    new_status = models.CharField(max_length=10, choices=FollowUp.Status.choices)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["district", "follow_up", "at"])]

    def __str__(self) -> str:
        return f"{self.get_old_status_display()} → {self.get_new_status_display()}"


def may_edit(user, *, author_ids, district_id: int) -> bool:
    """Who wrote something, or a district leader, may edit or remove it."""
    return (
        user.is_authenticated
        and user.district_id == district_id
        and (user.is_district_leader or user.pk in set(author_ids))
    )


class RoundingChangeQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        """It keeps the notes as they were: the same readers as the visit's notes."""
        if user.is_district_leader:
            return self
        return self.filter(visit_id__in=user.rounding_visits.values("pk"))


class RoundingChange(models.Model):
    """Append-only history of edits and removals of visits, conversations, celebrations and
    follow-ups, with each row as it was before the change."""

    class Action(models.TextChoices):
        EDITED = "edited", gettext_lazy("Edited")
        REMOVED = "removed", gettext_lazy("Removed")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    # Plain ids: the history outlives the rows it describes.
    visit_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    what = models.CharField(max_length=300)
    before = models.JSONField(default=dict)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = RoundingChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["district", "visit_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.what}"
