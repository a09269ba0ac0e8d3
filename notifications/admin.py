from django.contrib import admin

from .models import Notification, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "district"]
    list_select_related = ["recipient"]
    search_fields = ["subject"]
    readonly_fields = [
        "district",
        "recipient",
        "kind",
        "subject",
        "body",
        "url",
        "created_at",
        "read_at",
        "emailed_at",
    ]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "email_mode"]
    list_select_related = ["user"]
