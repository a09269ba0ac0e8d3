"""The in-app inbox and e-mail of every app. It builds on districts and imports no domain app."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import District, DistrictQuerySet, User


class EmailMode(models.TextChoices):
    EACH = "each", _("An e-mail for each notice")
    DAILY = "daily", _("One daily digest")
    OFF = "off", _("No e-mail, the inbox only")


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_mode = models.CharField(max_length=10, choices=EmailMode.choices, default=EmailMode.EACH)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_mode_display()}"


class NotificationQuerySet(DistrictQuerySet):
    def narrow_to(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Email(models.TextChoices):
    """Where a notice's e-mail stands. The outbox sends every `DUE` row, one at a time."""

    NONE = "none", _("No e-mail (no address, or the inbox only)")
    DUE = "due", _("To be sent")
    DIGEST = "digest", _("Waits for the daily digest")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class Notification(models.Model):
    """A notice in one person's inbox, and the outbox row its e-mail is sent from.

    It is written in the same transaction as the change that causes it; `key` names the item
    (`decision:12`, `check_in:40`) so that a person gets each kind of notice about an item once.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(
        max_length=60, help_text=_("What happened, e.g. decisions.window_opened.")
    )
    key = models.CharField(
        max_length=60, blank=True, help_text=_("The item it is about, if once only.")
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.NONE)
    # Not to be picked up before this time: a sender's claim, or the wait before a retry.
    email_after = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_failure = models.CharField(max_length=300, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["district", "-created_at"]),
            models.Index(
                fields=["email", "created_at"],
                condition=Q(email__in=["due", "digest"]),
                name="notification_email_waiting",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"],
                condition=~Q(key=""),
                name="notification_once_per_item",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("notifications:open", args=[self.pk])
