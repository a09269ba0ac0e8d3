"""A roster import started on the administration page: kept, checked, applied, remembered."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .core import District, DistrictQuerySet, User


class RosterImportQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        """A district's administrators see its imports; nobody else does."""
        return self if user.is_district_admin else self.none()


class RosterImport(models.Model):
    """One uploaded roster zip: a dry run first, then, when asked, the import itself.

    The worker writes `state`, `stage`, `done` and `total` while it reads the files, so the page
    can show how far it is; the counts and row errors of each run are kept in `report`.
    """

    class State(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked: nothing saved yet")
        APPLYING = "applying", _("Importing")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Failed")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploaded")
        DROP = "drop", _("Drop folder")

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.UPLOAD)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    path = models.CharField(max_length=500)  # the zip, kept under var/roster-uploads/
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKING)
    stage = models.CharField(max_length=20, blank=True)  # orgs, users, roles, saving
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # {"check": {...}, "apply": {...}}: counts, row errors and notes of each run.
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)  # why the whole roster was refused, one line

    objects = RosterImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["district", "-created_at"])]

    def __str__(self) -> str:
        return self.file_name

    @property
    def running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.APPLYING)

    @property
    def percent(self) -> int:
        return min(self.done * 100 // self.total, 100) if self.total else 0

    @property
    def result(self) -> dict | None:
        """The counts and row errors of the import, or else of its dry run."""
        return self.report.get("apply") or self.report.get("check")

    @property
    def imported(self) -> bool:
        return "apply" in self.report
