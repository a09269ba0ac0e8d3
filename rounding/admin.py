"""Set-up and stoplight rows for platform staff. What people said in rounding conversations,
and the visit's summary, belong to the visitors and district leaders: not shown here."""

from django.contrib import admin
from django.db import transaction

from districts.audit import AuditedAdmin

from . import services
from .models import Celebration, Conversation, FollowUp, FollowUpStatusChange, RoundingVisit


class ConversationInline(admin.StackedInline):
    model = Conversation
    extra = 0
    fields = ["person", "name", "role_group", "themes"]
    raw_id_fields = ["person"]
    filter_horizontal = ["themes"]


@admin.register(RoundingVisit)
class RoundingVisitAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["school", "date", "district"]
    list_filter = ["district"]
    date_hierarchy = "date"
    exclude = ["summary"]
    filter_horizontal = ["visitors"]
    inlines = [ConversationInline]

    # The coverage rows count visits and conversations: recount the schools an edit touched.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.coverage_recount(school_ids={form.instance.school_id, form.initial.get("school")})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.coverage_recount(school_ids=[obj.school_id])

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        school_ids = set(queryset.values_list("school_id", flat=True))
        super().delete_queryset(request, queryset)
        services.coverage_recount(school_ids=school_ids)


class StatusChangeInline(admin.TabularInline):
    model = FollowUpStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["by", "at", "old_status", "new_status", "reason"]

    def has_add_permission(self, request, obj=None):
        # History rows come from FollowUp.change_status only.
        return False


@admin.register(FollowUp)
class FollowUpAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["what", "school", "owner", "due_on", "status"]
    list_filter = ["district", "status"]
    raw_id_fields = ["conversation", "owner"]
    readonly_fields = ["status", "reason"]
    inlines = [StatusChangeInline]


@admin.register(Celebration)
class CelebrationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["who", "school", "shared", "acknowledged_on"]
    list_filter = ["district", "shared"]
    raw_id_fields = ["person", "visit"]
