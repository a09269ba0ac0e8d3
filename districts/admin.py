from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .models import (
    CodeOfCooperation,
    CodeOfCooperationRevision,
    District,
    GuidingPrinciple,
    GuidingPrincipleRevision,
    LeadershipTeam,
    School,
    SharedPurpose,
    SharedPurposeRevision,
    TeamMembership,
    Theme,
    User,
)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "level", "sourced_id"]
    list_filter = ["district", "level"]
    search_fields = ["name", "sourced_id"]
    list_select_related = ["district"]


class RosterCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "name", "district", "role"]


class RosterChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = RosterChangeForm
    add_form = RosterCreationForm
    ordering = ["name"]
    list_display = ["name", "email", "district", "role", "title", "is_active"]
    list_filter = ["district", "role", "is_active", "is_staff"]
    list_select_related = ["district"]
    search_fields = ["name", "email", "title", "sourced_id"]
    autocomplete_fields = ["schools"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Roster", {"fields": ["name", "district", "role", "title", "schools", "sourced_id"]}),
        (
            "Access",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "name", "district", "role", "password1", "password2"],
            },
        ),
    ]


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(LeadershipTeam)
class LeadershipTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "school"]
    list_filter = ["district"]
    search_fields = ["name"]
    list_select_related = ["district", "school"]
    inlines = [TeamMembershipInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "district"]
    list_filter = ["district"]
    search_fields = ["name"]


class ReadOnlyRevisionInline(admin.StackedInline):
    """Revisions are history: they can be added through the app, never edited here."""

    extra = 0
    can_delete = False
    fields = ["text", "adopted_on", "review_on", "participants_note", "recorded_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PurposeRevisionInline(ReadOnlyRevisionInline):
    model = SharedPurposeRevision


class PrincipleRevisionInline(ReadOnlyRevisionInline):
    model = GuidingPrincipleRevision


class CodeRevisionInline(ReadOnlyRevisionInline):
    model = CodeOfCooperationRevision


@admin.register(SharedPurpose)
class SharedPurposeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "district", "school"]
    list_filter = ["district"]
    inlines = [PurposeRevisionInline]


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(admin.ModelAdmin):
    list_display = ["title", "district", "school", "position", "retired_on"]
    list_filter = ["district"]
    search_fields = ["title"]
    inlines = [PrincipleRevisionInline]


@admin.register(CodeOfCooperation)
class CodeOfCooperationAdmin(admin.ModelAdmin):
    list_display = ["class_name", "teacher", "school", "district"]
    list_filter = ["district"]
    list_select_related = ["teacher", "school", "district"]
    inlines = [CodeRevisionInline]
