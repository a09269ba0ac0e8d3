"""Admin screens. Anonymous input shows no author and no sealed key, and cannot be edited."""

from django.contrib import admin

from .models import (
    TRACKED_FIELDS,
    Decision,
    DecisionEvent,
    DecisionRight,
    Input,
    Reflection,
    Stakeholder,
    Status,
)


class StakeholderInline(admin.TabularInline):
    model = Stakeholder
    extra = 0
    fields = ["kind", "person", "team", "school", "role", "involvement"]
    raw_id_fields = ["person"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "district", "status", "visibility", "decided_at"]
    list_filter = ["district", "status", "visibility", "domain"]
    search_fields = ["number", "title"]
    list_select_related = ["district"]
    readonly_fields = ["number", "status", "decided_by", "decided_at", "superseded_by"]
    raw_id_fields = ["created_by"]
    inlines = [StakeholderInline]

    def save_model(self, request, obj, form, change):
        """Changes made here go into the history too, once the decision has left draft."""
        super().save_model(request, obj, form, change)
        if change and obj.status != Status.DRAFT:
            for field in form.changed_data:
                if field in TRACKED_FIELDS:
                    DecisionEvent.record(
                        decision=obj,
                        actor=request.user,
                        field=field,
                        old=form.initial.get(field, ""),
                        new=getattr(obj, field),
                        note="Changed in the admin",
                    )


@admin.register(Input)
class InputAdmin(admin.ModelAdmin):
    """Read-only: the author column says "Anonymous", ordering is by kind, never by time."""

    list_display = ["decision", "kind", "author_label", "given_day", "changed_decision"]
    list_filter = ["kind", "changed_decision"]
    list_select_related = ["decision", "author"]
    fields = ["decision", "kind", "text", "author_label", "given_on", "response"]
    readonly_fields = fields
    ordering = ["kind", "id"]
    sortable_by = ["kind"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def lookup_allowed(self, lookup, value, request=None):
        if "anonymous_key" in lookup or lookup.startswith(("author", "given_on", "id")):
            return False
        return super().lookup_allowed(lookup, value, request)

    # A method with no order field: the list cannot be sorted by when input came in.
    @admin.display(description="given on")
    def given_day(self, obj):
        return obj.given_on

    @admin.display(description="author")
    def author_label(self, obj):
        return obj.author_label


@admin.register(DecisionRight)
class DecisionRightAdmin(admin.ModelAdmin):
    list_display = ["domain", "level", "team", "role", "authority", "district"]
    list_filter = ["district", "domain", "level", "authority"]


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    list_display = ["decision", "verdict", "created_at"]
    raw_id_fields = ["decision", "author"]


@admin.register(DecisionEvent)
class DecisionEventAdmin(admin.ModelAdmin):
    """History is read here, never written."""

    list_display = ["decision", "kind", "field", "actor", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["decision", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
