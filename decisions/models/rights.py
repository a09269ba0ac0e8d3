"""The history of the decision-rights map: every line added or removed, by whom and when."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import District, User

from .decision import AppendOnlyQuerySet


class DecisionRightChange(models.Model):
    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        REMOVED = "removed", _("Removed")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    # The line as it read, in words: the history stays readable after the line is gone.
    right = models.CharField(max_length=400)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.right}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("History is append-only: changes are never rewritten.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("History is append-only: changes are never deleted.")
