"""Admin screens for platform staff: set-up and roster, never what people wrote to each other.

Codes of cooperation show their class, teacher and school but not their wording; nobody sets
another person's password here (the "send a password reset link" action mails them one).
Every change is kept in AuditEntry (`AuditedAdmin`) for the district's leaders to read.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import tasks
from .audit import AuditedAdmin, ReadOnlyAdmin, audit
from .models import (
    AuditEntry,
    CodeOfCooperation,
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


def platform_operators_only(request) -> bool:
    """The Django admin is for the people who run the platform (superusers), not for a
    district: it shows every district. Districts run themselves in `/administration/`."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = platform_operators_only


@admin.register(District)
class DistrictAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "timezone"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(AuditedAdmin, admin.ModelAdmin):
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
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    form = RosterChangeForm
    add_form = RosterCreationForm
    ordering = ["name"]
    list_display = ["name", "email", "district", "role", "title", "is_active"]
    list_filter = ["district", "role", "is_active", "is_staff"]
    list_select_related = ["district"]
    search_fields = ["name", "email", "title", "sourced_id"]
    autocomplete_fields = ["schools"]
    actions = ["send_password_reset_link"]
    # No password field: its link opens a form that sets someone else's password.
    fieldsets = [
        (None, {"fields": ["email"]}),
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

    def user_change_password(self, request, id, form_url=""):
        """Only your own password; for anyone else, send them a reset link."""
        if str(request.user.pk) != str(id):
            raise PermissionDenied(_("Send a password reset link instead."))
        return super().user_change_password(request, id, form_url)

    @admin.action(description=gettext_lazy("Send a password reset link"))
    def send_password_reset_link(self, request, queryset):
        people = [person for person in queryset if person.email]
        for person in people:
            tasks.send_password_reset.delay(person.email)
            audit(request, person, AuditEntry.Action.CHANGE, "Sent a password reset link")
        self.message_user(
            request,
            ngettext(
                "A password reset link is on its way to %(count)d person with a sign-in.",
                "Password reset links are on their way to %(count)d people with a sign-in.",
                len(people),
            )
            % {"count": len(people)},
            messages.SUCCESS,
        )


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(LeadershipTeam)
class LeadershipTeamAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "district", "school"]
    list_filter = ["district"]
    search_fields = ["name"]
    list_select_related = ["district", "school"]
    inlines = [TeamMembershipInline]


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin, admin.ModelAdmin):
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


@admin.register(SharedPurpose)
class SharedPurposeAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "district", "school"]
    list_filter = ["district"]
    inlines = [PurposeRevisionInline]


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["title", "district", "school", "position", "retired_on"]
    list_filter = ["district"]
    search_fields = ["title"]
    inlines = [PrincipleRevisionInline]


@admin.register(CodeOfCooperation)
class CodeOfCooperationAdmin(AuditedAdmin, admin.ModelAdmin):
    """Which class, teacher and school; the wording belongs to the teacher and the class."""

    list_display = ["class_name", "teacher", "school", "district"]
    list_filter = ["district"]
    list_select_related = ["teacher", "school", "district"]
    fields = ["district", "school", "teacher", "class_name", "wording"]
    readonly_fields = ["wording"]
    raw_id_fields = ["teacher", "school"]

    @admin.display(description=gettext_lazy("wording"))
    def wording(self, obj):
        return _("(hidden: the teacher and the class read it in Roundtable)")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is written by the other admin screens and never edited."""

    list_display = ["at", "district", "actor_name", "action", "object_type", "object_label"]
    list_filter = ["action", "district"]
    list_select_related = ["district"]
    search_fields = ["object_label", "actor_name"]
