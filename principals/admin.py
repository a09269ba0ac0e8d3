"""IT staff set up pairs and breaks here. Meetings, notes and reminders stay out of the admin:
shared notes belong to the pair and the leaders above, private notes to their writer alone."""

from django.contrib import admin

from districts.audit import AuditedAdmin

from .models import CheckInPair, SchoolBreak


@admin.register(SchoolBreak)
class SchoolBreakAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "district", "starts_on", "ends_on"]
    list_filter = ["district"]


@admin.register(CheckInPair)
class CheckInPairAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["principal", "supervisor", "school", "weekday", "local_time", "active"]
    list_filter = ["district", "active"]
    raw_id_fields = ["supervisor", "principal", "school"]
    readonly_fields = ["planned_through", "overdue_since"]
