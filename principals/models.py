"""Biweekly check-ins between a supervisor and a principal, their agendas, notes and reminders."""

from __future__ import annotations

import datetime
import secrets
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from districts.bounds import check_date, check_datetime
from districts.models import (
    District,
    DistrictQuerySet,
    Role,
    School,
    Theme,
    User,
    token_digest,
)


def dates_in_range(instance, *fields: str) -> None:
    """Dates no calendar can plan (year 9999) are refused here too, not only in the forms."""
    errors = {}
    for name in fields:
        value = getattr(instance, name)
        try:
            if isinstance(value, datetime.datetime):
                check_datetime(value)
            else:
                check_date(value)
        except ValidationError as error:
            errors[name] = error
    if errors:
        raise ValidationError(errors)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def sees_every_check_in(user) -> bool:
    """The superintendent stands above every supervisor, so reads every pair's shared notes."""
    return user.is_authenticated and user.role == Role.SUPERINTENDENT


class SchoolBreak(models.Model):
    """Days the district's schools are closed: no check-in is planned inside them."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="school_breaks")
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        indexes = [models.Index(fields=["district", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="school_break_ends_after_start",
                violation_error_message=_("A break cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on} – {self.ends_on})"

    def clean(self):
        dates_in_range(self, "starts_on", "ends_on")


class CheckInPairQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        if sees_every_check_in(user):
            return self
        return self.filter(Q(supervisor=user) | Q(principal=user))


class CheckInPair(models.Model):
    """A supervisor and a principal who meet every `interval_weeks` weeks on a weekday and time."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="check_in_pairs")
    supervisor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="supervised_pairs")
    principal = models.ForeignKey(User, on_delete=models.CASCADE, related_name="check_in_pairs")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="check_in_pairs")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    local_time = models.TimeField(help_text=_("In the district's time zone."))
    interval_weeks = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    starts_on = models.DateField()
    active = models.BooleanField(default=True)
    # Occurrences exist up to this date, so the dispatcher only visits pairs that need more.
    planned_through = models.DateField(null=True, blank=True)
    # Set once when the pair has gone past its cadence without a held meeting.
    overdue_since = models.DateTimeField(null=True, blank=True)

    objects = CheckInPairQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "pk"]
        indexes = [
            models.Index(fields=["district", "supervisor"]),
            models.Index(fields=["district", "principal"]),
            models.Index(fields=["district", "active", "planned_through"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["principal", "school"],
                condition=Q(active=True),
                name="check_in_pair_one_active_per_principal_school",
                violation_error_message=_("This principal already has check-ins for this school."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} with {self.principal} ({self.school})"

    def get_absolute_url(self) -> str:
        return reverse("principals:pair", args=[self.pk])

    def clean(self):
        dates_in_range(self, "starts_on")
        if self.supervisor_id and self.principal_id and self.supervisor_id == self.principal_id:
            raise ValidationError(gettext("A supervisor cannot check in with themselves."))
        for field in ("supervisor", "principal", "school"):
            related = getattr(self, field, None) if getattr(self, f"{field}_id") else None
            if related is not None and self.district_id and related.district_id != self.district_id:
                raise ValidationError({field: gettext("Must belong to the pair's district.")})

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.district.timezone)

    def cadence_label(self) -> str:
        return cadence_label(self.interval_weeks, self.weekday, self.local_time)


def cadence_label(interval_weeks: int, weekday: int, local_time: datetime.time) -> str:
    if interval_weeks == 1:
        every = gettext("Every week")
    else:
        every = ngettext("Every %(count)d week", "Every %(count)d weeks", interval_weeks) % {
            "count": interval_weeks
        }
    return gettext("%(every)s on %(weekday)s at %(time)s") % {
        "every": every,
        "weekday": Weekday(weekday).label,
        "time": f"{local_time:%H:%M}",
    }


class CheckInQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        if sees_every_check_in(user):
            return self
        return self.filter(Q(pair__supervisor=user) | Q(pair__principal=user))

    def upcoming(self):
        return self.filter(status=CheckIn.Status.SCHEDULED, scheduled_at__gte=timezone.now())


class CheckIn(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        MISSED = "missed", _("Missed")
        RESCHEDULED = "rescheduled", _("Moved")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    pair = models.ForeignKey(CheckInPair, on_delete=models.CASCADE, related_name="check_ins")
    scheduled_at = models.DateTimeField()
    # The cadence date this occurrence stands for; empty for a meeting moved to another day.
    cadence_on = models.DateField(null=True, blank=True)
    moved_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="moved_to"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    pulse = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("How is the principal doing, from 1 (struggling) to 5 (thriving)?"),
    )
    shared_notes = models.TextField(blank=True)
    reflection = models.TextField(
        blank=True, help_text=_("What did we learn, and what will we do differently?")
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_at", "pk"]
        indexes = [
            models.Index(fields=["district", "status", "scheduled_at"]),
            models.Index(fields=["pair", "scheduled_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "cadence_on"], name="check_in_one_per_cadence_date"
            ),
            models.CheckConstraint(
                condition=Q(pulse__isnull=True) | Q(pulse__gte=1, pulse__lte=5),
                name="check_in_pulse_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in of {self.pair} on {self.scheduled_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("principals:check_in", args=[self.pk])

    def clean(self):
        dates_in_range(self, "scheduled_at", "cadence_on")
        if self.scheduled_at and self.pair_id and not self.day_has_come():
            errors = {}
            if self.pulse is not None:
                errors["pulse"] = gettext("A pulse is given once the meeting's day has come.")
            if self.reflection.strip():
                errors["reflection"] = gettext(
                    "A reflection is written once the meeting's day has come."
                )
            if errors:
                raise ValidationError(errors)

    def day_has_come(self) -> bool:
        """Whether the meeting's day has come where the district is (a meeting held earlier
        in its day than planned is still recorded)."""
        zone = self.pair.zone
        return self.scheduled_at.astimezone(zone).date() <= timezone.localdate(timezone=zone)

    def local_start(self) -> datetime.datetime:
        return timezone.localtime(self.scheduled_at, self.pair.zone)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SCHEDULED, self.Status.HELD)

    def mark_held(self) -> None:
        if self.status == self.Status.RESCHEDULED:
            raise ValidationError(gettext("This meeting was moved; record it on the new date."))
        if not self.day_has_come():
            raise ValidationError(gettext("A meeting can be marked as held once its day has come."))
        self.status = self.Status.HELD

    def mark_missed(self) -> None:
        if self.status == self.Status.RESCHEDULED:
            raise ValidationError(gettext("This meeting was moved; it cannot also be missed."))
        if self.scheduled_at > timezone.now():
            raise ValidationError(gettext("A meeting can only be missed once its time has passed."))
        self.status = self.Status.MISSED


def is_pair_member(user, check_in: CheckIn) -> bool:
    return user.pk in (check_in.pair.supervisor_id, check_in.pair.principal_id)


def can_edit_check_in(user, check_in: CheckIn) -> bool:
    """Only the two people in the meeting write in it; leaders above read along."""
    return is_pair_member(user, check_in) and check_in.status != CheckIn.Status.RESCHEDULED


class PrivateNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(author=user)


class PrivateNote(models.Model):
    """One person's own notes on a meeting. Only its author reads it, on every screen."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PrivateNoteQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["check_in", "author"], name="private_note_one_per_author"
            )
        ]

    def __str__(self) -> str:
        return "Private note"


class AgendaItemQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        return self.filter(check_in__in=CheckIn.objects.visible_to(user))

    def for_check_in(self, check_in: CheckIn):
        """This meeting's items and every unresolved item from an earlier meeting of the pair.

        An item resolved at a later meeting still shows on the earlier ones it sat on.
        """
        return self.filter(pair_id=check_in.pair_id).filter(
            Q(check_in=check_in)
            | Q(
                check_in__scheduled_at__lt=check_in.scheduled_at,
                resolved_at__isnull=True,
            )
            | Q(
                check_in__scheduled_at__lt=check_in.scheduled_at,
                resolved_in__scheduled_at__gte=check_in.scheduled_at,
            )
        )


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        CELEBRATION = "celebration", _("Celebration")
        PROBLEM = "problem", _("Problem")
        DECISION = "decision", _("Decision")
        QUESTION = "question", _("Question")
        HIGH_PERFORMERS = "high_performers", _("High performers")
        CRITICAL_CONVERSATION = "critical_conversation", _("Critical conversation")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    pair = models.ForeignKey(CheckInPair, on_delete=models.CASCADE, related_name="agenda_items")
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="agenda_items")
    added_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.QUESTION)
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_in = models.ForeignKey(
        CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["pair", "resolved_at"])]

    def __str__(self) -> str:
        return self.text

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    def resolve(self, *, at: CheckIn) -> None:
        if self.resolved_at is not None:
            raise ValidationError(gettext("This item is already resolved."))
        self.resolved_at = timezone.now()
        self.resolved_in = at

    def reopen(self) -> None:
        self.resolved_at = None
        self.resolved_in = None


PROMPTS = {
    AgendaItem.Kind.CELEBRATION: _("What went well since we last met? Who should hear about it?"),
    AgendaItem.Kind.PROBLEM: _("What is in the way, and what have you tried so far?"),
    AgendaItem.Kind.DECISION: _("What needs deciding, by whom, and who should be asked first?"),
    AgendaItem.Kind.QUESTION: _("What would you like a second opinion on?"),
    AgendaItem.Kind.HIGH_PERFORMERS: _(
        "How are you re-recruiting your high performers? How do you know they are satisfied?"
    ),
    AgendaItem.Kind.CRITICAL_CONVERSATION: _(
        "Which hard conversation is due, with whom, and how will you prepare for it?"
    ),
}


class ActionItemQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        return self.filter(check_in__in=CheckIn.objects.visible_to(user))

    def open(self):
        return self.filter(done_at__isnull=True)


class ActionItem(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    pair = models.ForeignKey(CheckInPair, on_delete=models.CASCADE, related_name="action_items")
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="action_items")
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["done_at", "due_on", "pk"]
        indexes = [models.Index(fields=["pair", "done_at"])]

    def __str__(self) -> str:
        return self.text

    def clean(self):
        dates_in_range(self, "due_on")

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def is_late(self) -> bool:
        return not self.done and self.due_on is not None and self.due_on < timezone.localdate()


class Problem(models.Model):
    """A problem the principal raised in a meeting, tagged with the district's themes."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="problems")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    themes = models.ManyToManyField(Theme, blank=True, related_name="+")
    raised_on = models.DateField(default=datetime.date.today)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["district", "raised_on"])]

    def __str__(self) -> str:
        return self.text

    def clean(self):
        dates_in_range(self, "raised_on")


class ReminderKind(models.TextChoices):
    """The reminders about a meeting; each goes to a person once (notifications' `key`)."""

    BEFORE_48H = "before_48h", _("Two days before")
    BEFORE_2H = "before_2h", _("2 hours before")
    NOTES_NUDGE = "notes_nudge", _("Notes nudge")


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A secret address for one person's check-ins in their calendar app; reset to revoke.

    Only the digest of its token is kept: the address is shown once, to its owner, when made.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="check_in_feed")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"

    @classmethod
    def issue(cls, *, user: User) -> tuple[CalendarFeed, str]:
        """A new feed and its token, which is kept nowhere (only its digest)."""
        token = new_feed_token()
        feed = cls.objects.create(
            user=user, district_id=user.district_id, token_hash=token_digest(token)
        )
        return feed, token

    @classmethod
    def for_token(cls, token: str) -> CalendarFeed | None:
        if not token or len(token) > 100:
            return None
        return (
            cls.objects.select_related("user")
            .filter(token_hash=token_digest(token), user__is_active=True)
            .first()
        )


def feed_path(token: str) -> str:
    return reverse("principals:feed", args=[token])
