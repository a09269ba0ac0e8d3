"""Every change made in the Django admin, kept in `AuditEntry` for the district's leaders.

Add `AuditedAdmin` first among a ModelAdmin's bases and its adds, changes (inline rows
included), deletions and actions that call `audit` are logged:

    @admin.register(Decision)
    class DecisionAdmin(AuditedAdmin, admin.ModelAdmin): ...

The district of a row is its `district_id`, the row itself for a District, or the district
of the row it belongs to (a team's membership, a decision's stakeholder). A change lists each
field as "field: old → new". Values of passwords, authorship and note text never reach the
log: `HIDDEN_FIELDS` (and a ModelAdmin's own `audit_hidden_fields`) are written "(hidden)".
"""

from collections.abc import Iterable

from django.contrib import admin
from django.db import models

from .models import AuditEntry, District

# Fields whose values the leaders' log never shows, whichever admin writes them: passwords,
# who wrote anonymous input, and the text of notes, check-ins and agendas.
HIDDEN_FIELDS = frozenset(
    {
        "password",
        "password1",
        "password2",
        "author",
        "anonymous_key",
        "text",
        "body",
        "notes",
        "shared_notes",
        "reflection",
        "working",
        "concerns",
        "ideas",
        "recognition",
        "summary",
    }
)
VALUE_LENGTH = 120
EMPTY = "—"


def district_id_of(obj) -> int | None:
    if isinstance(obj, District):
        return obj.pk
    found = getattr(obj, "district_id", None)
    if found is not None:
        return found
    # One step up: a membership's team, a decision's stakeholder, a document's revision.
    for field in obj._meta.concrete_fields:
        if field.many_to_one and any(
            f.name == "district" for f in field.related_model._meta.fields
        ):
            parent = getattr(obj, field.name, None)
            if parent is not None and parent.district_id is not None:
                return parent.district_id
    return None


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, models.QuerySet | list | tuple | set):
        return ", ".join(sorted(str(item) for item in value)) or EMPTY
    text = " ".join(str(value).split())
    return text if len(text) <= VALUE_LENGTH else f"{text[: VALUE_LENGTH - 1]}…"


def _label(form, name: str) -> str:
    label = str(form.fields[name].label or name.replace("_", " "))
    # "Name" → "name", but "OneRoster sourcedId" stays as it is.
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _choice_label(form, name: str, value):
    """A choice's label ("K–8") for its stored value ("k8")."""
    field = form.fields[name]
    if getattr(field, "queryset", None) is not None or not hasattr(field, "choices"):
        return value
    labels = {}
    for key, label in field.choices:
        if isinstance(label, list | tuple):  # a group of choices
            labels.update({str(k): v for k, v in label})
        else:
            labels[str(key)] = label
    # An empty choice may have a label of its own ("Staff (the default)").
    return labels.get(str(value), value) if value is not None else value


def _initial(form, name):
    """The value a field had before the form changed it, as its label."""
    value = form.initial.get(name)
    field = form.fields[name]
    queryset = getattr(field, "queryset", None)
    if queryset is not None and value not in (None, "", []):
        if isinstance(value, list | tuple):
            pks = [getattr(item, "pk", item) for item in value]
            return list(queryset.model._default_manager.filter(pk__in=pks))
        if not isinstance(value, models.Model):
            return queryset.model._default_manager.filter(pk=value).first()
    return value


def form_changes(form, *, add: bool, hidden: frozenset, prefix: str = "") -> list[str]:
    lines = []
    for name in form.changed_data:
        if name not in form.fields:
            continue
        label = _label(form, name)
        if name in hidden:
            lines.append(f"{prefix}{label}: (hidden)")
            continue
        new = _shown(_choice_label(form, name, form.cleaned_data.get(name)))
        if add:
            lines.append(f"{prefix}{label}: {new}")
        else:
            old = _shown(_choice_label(form, name, _initial(form, name)))
            lines.append(f"{prefix}{label}: {old} → {new}")
    return lines


def formset_changes(formsets: Iterable, *, hidden: frozenset) -> list[str]:
    lines = []
    for formset in formsets or ():
        deleted = {obj.pk for obj in getattr(formset, "deleted_objects", ())}
        for obj in getattr(formset, "new_objects", ()):
            lines.append(f"added {obj._meta.verbose_name} “{obj}”")
        for form in formset.initial_forms:
            obj = form.instance
            if obj.pk in deleted or not form.has_changed():
                continue
            prefix = f"{obj._meta.verbose_name} “{obj}”, "
            lines.extend(form_changes(form, add=False, hidden=hidden, prefix=prefix))
        for obj in getattr(formset, "deleted_objects", ()):
            lines.append(f"deleted {obj._meta.verbose_name} “{obj}”")
    return lines


def entry_for(request, obj, action: str, changes: str = "") -> AuditEntry:
    user = request.user
    return AuditEntry(
        district_id=district_id_of(obj),
        actor=user if user.is_authenticated else None,
        # A management command has nobody signed in: it names itself (`actor_name`).
        actor_name=(str(user) if user.is_authenticated else getattr(request, "actor_name", ""))[
            :200
        ],
        action=action,
        object_type=str(obj._meta.verbose_name)[:100],
        object_id=str(obj.pk)[:64],
        object_label=str(obj)[:200],
        changes=changes,
    )


def audit(request, obj, action: str, changes: str = "") -> AuditEntry:
    """Log one admin change by hand (an admin action that changes or sends something)."""
    entry = entry_for(request, obj, action, changes)
    entry.save()
    return entry


class AuditedAdmin:
    """A ModelAdmin mixin (first among the bases) that keeps every admin change in AuditEntry.

    Django's own admin log (LogEntry) is still written: this adds the district, the old and
    new values and a page the district's leaders can read.
    """

    audit_hidden_fields: frozenset = frozenset()

    def _audit_hidden(self) -> frozenset:
        return HIDDEN_FIELDS | frozenset(self.audit_hidden_fields)

    def construct_change_message(self, request, form, formsets, add=False):
        # Called after the row and its inlines are saved, before the log: the form still
        # holds the old values in `initial`.
        hidden = self._audit_hidden()
        lines = form_changes(form, add=add, hidden=hidden)
        lines += formset_changes(formsets, hidden=hidden)
        request._audit_changes = "\n".join(lines)
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        audit(request, obj, AuditEntry.Action.ADD, getattr(request, "_audit_changes", ""))
        request._audit_changes = ""
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit(request, obj, AuditEntry.Action.CHANGE, getattr(request, "_audit_changes", ""))
        request._audit_changes = ""
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        AuditEntry.objects.bulk_create(
            entry_for(request, obj, AuditEntry.Action.DELETE) for obj in queryset
        )
        return super().log_deletions(request, queryset)


class ReadOnlyAdmin(AuditedAdmin, admin.ModelAdmin):
    """History and logs: read in the admin, never added to, edited or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
