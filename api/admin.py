"""District IT can see every API token and revoke one (a leaked token, a person who left);
nobody makes or edits a token here: each person makes their own."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from districts.audit import AuditedAdmin, audit
from districts.models import AuditEntry

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "user", "shown", "created_at", "last_used_at", "revoked_at")
    list_filter = ("district", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "user__name", "user__email")
    list_select_related = ("user",)
    readonly_fields = ("district", "user", "name", "shown", "created_at", "last_used_at")
    fields = (*readonly_fields, "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        tokens = [token for token in queryset.select_related("user") if token.is_active]
        for token in tokens:
            token.revoke()
            audit(request, token, AuditEntry.Action.CHANGE, "Revoked the API token")
        self.message_user(
            request,
            ngettext(
                "%(count)d token revoked: it no longer works.",
                "%(count)d tokens revoked: they no longer work.",
                len(tokens),
            )
            % {"count": len(tokens)},
            messages.SUCCESS,
        )
