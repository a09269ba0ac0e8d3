"""The admin's audit log."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .core import District, DistrictQuerySet, User


class AuditEntryQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        """A district's leaders and administrators read its admin log; nobody else does."""
        return self if user.is_district_leader or user.is_district_admin else self.none()


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
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} “{self.object_label}”"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only: write a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")
