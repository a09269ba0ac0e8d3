"""Admin screens. Anonymous input shows no author and no sealed key, and cannot be edited."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from districts.audit import AuditedAdmin, ReadOnlyAdmin, audit
from districts.models import AuditEntry

from . import services
from .integrity import refresh_flags
from .models import (
    Decision,
    DecisionEvent,
    DecisionRight,
    Input,
    Reflection,
    Stakeholder,
)
from .processes import edit_refusals


class StakeholderFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # The stakeholder's own checks compare districts: it belongs to its decision's.
        form.instance.district_id = self.instance.district_id
        return form


class StakeholderInline(admin.TabularInline):
    """Added, changed and removed through the services, so each change is in the history."""

    model = Stakeholder
    formset = StakeholderFormSet
    extra = 0
    fields = ["kind", "person", "team", "school", "role", "involvement"]
    raw_id_fields = ["person"]


@admin.action(description=_("Withdraw the selected decisions (history is kept)"))
def withdraw(modeladmin, request, queryset):
    withdrawn = refused = 0
    for decision in queryset:
        try:
            services.decision_move(
                decision=decision,
                by=request.user,
                action="withdraw",
                reason=str(_("Withdrawn in the admin")),
                operator=True,
            )
        except ValidationError:
            refused += 1
        else:
            withdrawn += 1
            audit(request, decision, AuditEntry.Action.CHANGE, "status: withdrawn")
    if withdrawn:
        modeladmin.message_user(
            request,
            ngettext("%d decision withdrawn.", "%d decisions withdrawn.", withdrawn) % withdrawn,
            messages.SUCCESS,
        )
    if refused:
        modeladmin.message_user(
            request,
            ngettext(
                "%d decision was already decided or finished and was left as it is.",
                "%d decisions were already decided or finished and were left as they are.",
                refused,
            )
            % refused,
            messages.WARNING,
        )


@admin.register(Decision)
class DecisionAdmin(AuditedAdmin, admin.ModelAdmin):
    """Decisions are withdrawn, never deleted: deleting would take their history with them."""

    list_display = ["number", "title", "district", "status", "visibility", "decided_at"]
    list_filter = ["district", "status", "visibility", "domain"]
    search_fields = ["number", "title"]
    list_select_related = ["district"]
    readonly_fields = ["number", "status", "decided_by", "decided_at", "superseded_by"]
    raw_id_fields = ["created_by"]
    inlines = [StakeholderInline]
    actions = [withdraw]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class EngineCheckedForm(form):
            """The process engine's refusals, shown on the admin's form like any other error."""

            def clean(self):
                data = super().clean()
                if self.instance.pk is not None:
                    changed = {f: data.get(f) for f in self.changed_data if f in data}
                    stored = Decision.objects.get(pk=self.instance.pk)
                    for field, why in edit_refusals(stored, changed).items():
                        self.add_error(field if field in self.fields else None, why)
                return data

        return EngineCheckedForm

    def save_model(self, request, obj, form, change):
        """An edit goes through the process engine, which keeps each change in the history once
        the decision has left draft."""
        if not change:
            return super().save_model(request, obj, form, change)
        fields = {
            f: form.cleaned_data[f]
            for f in form.changed_data
            if f in form.cleaned_data and f in {field.name for field in Decision._meta.fields}
        }
        stored = Decision.objects.get(pk=obj.pk)
        services.decision_update(decision=stored, by=request.user, operator=True, **fields)
        return None

    def save_formset(self, request, form, formset, change):
        """Stakeholders go through the same services as in the app, which record each change."""
        if formset.model is not Stakeholder:
            return super().save_formset(request, form, formset, change)
        decision = form.instance
        # What the admin's change message reads, as `formset.save()` would have set it.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk is not None:
                services.stakeholder_remove(stakeholder=inline_form.instance, by=request.user)
                formset.deleted_objects.append(inline_form.instance)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            stakeholder = inline_form.instance
            if stakeholder.pk is None:
                added = services.stakeholder_add(
                    decision=decision,
                    by=request.user,
                    kind=stakeholder.kind,
                    involvement=stakeholder.involvement,
                    person=stakeholder.person,
                    team=stakeholder.team,
                    school=stakeholder.school,
                    role=stakeholder.role,
                )
                formset.new_objects.append(added)
            else:
                before = str(Stakeholder.objects.get(pk=stakeholder.pk))
                services.stakeholder_change(stakeholder=stakeholder, by=request.user, before=before)
                formset.changed_objects.append((stakeholder, inline_form.changed_data))
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Fields and stakeholders may both have changed: the flags are read once all is saved.
        refresh_flags(form.instance)


@admin.register(Input)
class InputAdmin(ReadOnlyAdmin):
    """Read-only: the author column says "Anonymous", ordering is by kind, never by time."""

    list_display = ["decision", "kind", "author_label", "given_day", "changed_decision"]
    list_filter = ["kind", "changed_decision"]
    list_select_related = ["decision", "author"]
    fields = ["decision", "kind", "text", "author_label", "given_on", "response"]
    readonly_fields = fields
    ordering = ["kind", "id"]
    sortable_by = ["kind"]
    show_full_result_count = False

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


def _refresh_after_rights_change(district_id: int, domains) -> None:
    services.flags_refresh_for_rights(district_id=district_id, domains=sorted(set(domains)))


@admin.register(DecisionRight)
class DecisionRightAdmin(AuditedAdmin, admin.ModelAdmin):
    """A change to the map may give or take the right to decide: the flags follow it."""

    list_display = ["domain", "level", "team", "role", "authority", "district"]
    list_filter = ["district", "domain", "level", "authority"]

    def save_model(self, request, obj, form, change):
        before = DecisionRight.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        domains = {obj.domain, before.domain if before else obj.domain}
        _refresh_after_rights_change(obj.district_id, domains)
        if before and before.district_id != obj.district_id:
            _refresh_after_rights_change(before.district_id, {before.domain})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _refresh_after_rights_change(obj.district_id, {obj.domain})

    def delete_queryset(self, request, queryset):
        touched = set(queryset.values_list("district_id", "domain"))
        super().delete_queryset(request, queryset)
        for district_id in {d for d, _domain in touched}:
            _refresh_after_rights_change(
                district_id, {dom for d, dom in touched if d == district_id}
            )


@admin.register(Reflection)
class ReflectionAdmin(ReadOnlyAdmin):
    """Read-only: a reflection is part of the decision's history."""

    list_display = ["decision", "verdict", "created_at"]
    raw_id_fields = ["decision", "author"]


@admin.register(Stakeholder)
class StakeholderAdmin(ReadOnlyAdmin):
    """Read-only and off the index (stakeholders are edited on their decision's page).

    Registered so that deleting a person, school or team in the admin cannot silently take
    stakeholder rows with it, unrecorded: the admin refuses such a delete.
    """

    def has_module_permission(self, request):
        return False

    list_display = ["decision", "kind", "involvement"]
    list_select_related = ["decision"]


@admin.register(DecisionEvent)
class DecisionEventAdmin(ReadOnlyAdmin):
    """History is read here, never written."""

    list_display = ["decision", "kind", "field", "actor", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["decision", "actor"]
