"""The in-app inbox and e-mail of every app. It builds on districts and imports no domain app."""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from districts.models import District, User


class EmailMode(models.TextChoices):
    EACH = "each", "An e-mail for each notice"
    DAILY = "daily", "One daily digest"
    OFF = "off", "No e-mail, the inbox only"


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_mode = models.CharField(max_length=10, choices=EmailMode.choices, default=EmailMode.EACH)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_mode_display()}"


def email_mode_of(user: User) -> str:
    settings = getattr(user, "notification_settings", None)
    try:
        return settings.email_mode if settings else EmailMode.EACH
    except NotificationSettings.DoesNotExist:
        return EmailMode.EACH


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=60, help_text="What happened, e.g. decisions.window_opened.")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Claimed before the e-mail goes out, so a retried task never sends it twice.
    emailed_at = models.DateTimeField(null=True, blank=True)
    # An e-mail that can never go out stays on record with the reason, instead of vanishing.
    failed_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["district", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("notifications:open", args=[self.pk])
