"""How long a district keeps each kind of data, and the certificates of deleted districts."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import District


class RetentionRules(models.Model):
    """One district's retention rules. A district without a row keeps the defaults below."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="retention")
    rounding_notes_months = models.PositiveSmallIntegerField(
        _("rounding conversation notes, months"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "Between 1 and 120. After this, the words of a conversation are removed; its "
            "themes, counts and coverage stay."
        ),
    )
    student_notes_school_year = models.BooleanField(
        _("notes naming a student end with the school year"),
        default=True,
        help_text=_(
            "On: conversations with a student, or whose notes name one of the school's "
            "students, lose their words once the school year they were held in has ended "
            "(31 July)."
        ),
    )
    notices_days = models.PositiveSmallIntegerField(
        _("inbox notices, days"),
        default=180,
        validators=[MinValueValidator(7), MaxValueValidator(3650)],
        help_text=_("Between 7 and 3650. Older notices leave everyone's inbox."),
    )
    sign_ins_days = models.PositiveSmallIntegerField(
        _("sessions and sign-in records, days"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_(
            "Between 1 and 3650. Older sessions end and older failed sign-ins are forgotten."
        ),
    )
    admin_log_years = models.PositiveSmallIntegerField(
        _("admin log, years"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Between 1 and 20. Older entries of the admin log are removed."),
    )

    class Meta:
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return _("Retention rules of %(district)s") % {"district": self.district_id}

    @classmethod
    def of(cls, district: District) -> RetentionRules:
        """The district's rules, or the defaults (unsaved) when it has never changed them."""
        return cls.objects.filter(district=district).first() or cls(district=district)


class DistrictDeletion(models.Model):
    """A request to delete a district, and, once done, its deletion certificate.

    Plain ids and names: the certificate outlives the district it describes.
    """

    district_id_kept = models.BigIntegerField(_("district id"))
    district_name = models.CharField(max_length=200)
    requested_by = models.CharField(max_length=200)
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(_("deleted after"))
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=200, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # Table → rows deleted, written when the deletion is done.
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district_id_kept"],
                condition=models.Q(cancelled_at__isnull=True, done_at__isnull=True),
                name="one_pending_deletion_per_district",
            )
        ]

    def __str__(self) -> str:
        return _("Deletion of %(district)s") % {"district": self.district_name}

    @property
    def pending(self) -> bool:
        return self.cancelled_at is None and self.done_at is None


class DistrictExport(models.Model):
    """One export of a district's data, made in the background for its superintendent."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    requested_by = models.CharField(max_length=200)
    requested_at = models.DateTimeField(default=timezone.now)
    tables_done = models.PositiveIntegerField(default=0)
    tables_total = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Under settings.VAR_DIR/exports: never a path anyone typed.
    archive = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return _("Export of %(district)s") % {"district": self.district_id}
