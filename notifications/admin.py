"""Notices are read-only here and show no body: a body may quote a check-in or a decision's
input, which belong to the people it was sent to."""

from django.contrib import admin

from districts.audit import AuditedAdmin

from .models import Notification, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at", "email", "emailed_at"]
    list_filter = ["email", "kind", "district"]
    list_select_related = ["recipient"]
    search_fields = ["subject"]
    fields = readonly_fields = [
        "district",
        "recipient",
        "kind",
        "subject",
        "url",
        "created_at",
        "read_at",
        "email",
        "email_attempts",
        "email_failure",
        "emailed_at",
    ]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["user", "email_mode"]
    list_select_related = ["user"]
