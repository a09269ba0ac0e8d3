"""Choosing one (or several) of a district's schools, teams or people, found as you type.

A large district has 1,800 schools, 2,000 teams and 80,000 people: a select of every one of
them costs a page hundreds of milliseconds and is no use on a phone. `Picker` renders the
plain select while a field's choices are few (at most `PICKER_THRESHOLD`; it reads one row
more to know), and above that the current choice as a checked radio (or checkboxes, for
`MultiplePicker`) next to a search box. The search box asks `picker_suggestions` (htmx, no
script of our own) for more radios of the same name. Without JavaScript the same search runs
when the form is sent: the page comes back with the matches to choose from.

A source names what the search box may find. It is always scoped with `visible_to(user)`;
the field's own queryset still decides what a submitted id may be.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .bounds import as_id, query_text
from .models import STAFF_ROLES, LeadershipTeam, School, User

PICKER_THRESHOLD = 150
SUGGESTIONS = 20
# The suggestions fragment echoes the field name into its radios: only plain form names.
FIELD_NAME = re.compile(r"^[\w-]{1,80}$")


def labelled(name: str, title: str = "") -> str:
    """A person's name with the title that tells two people of the same name apart."""
    name = name or _("(no name)")
    return f"{name} ({title})" if title else name


def person_label(person: User) -> str:
    return labelled(person.name, person.title)


@dataclass(frozen=True)
class Source:
    rows: Callable  # (user, params: {"school": id or None}) -> QuerySet of what they may see
    search: Callable  # (queryset, text) -> QuerySet
    # Read as plain values: a model instance per row would cost more than the whole picker.
    columns: tuple[str, ...] = ("name",)
    label: Callable = str  # (*columns) -> the text next to the radio
    placeholder: str = gettext_lazy("Type a name to find more")

    def read(self, queryset: QuerySet) -> QuerySet:
        """(pk, label) rows."""
        return queryset.values_list("pk", *self.columns)

    def labels(self, rows) -> list[tuple]:
        return [(pk, self.label(*values)) for pk, *values in rows]


def _schools(user, params):
    return School.objects.visible_to(user)


def _teams(user, params):
    return LeadershipTeam.objects.visible_to(user)


def _people(user, params):
    people = User.objects.visible_to(user)
    school = params.get("school")  # an id, already bounded by the view
    if school:
        # A school the person may not see finds nobody rather than an error.
        schools = School.objects.visible_to(user).filter(pk=school)
        people = people.filter(schools__in=schools)
    return people


def _staff(user, params):
    return _people(user, params).filter(role__in=STAFF_ROLES)


def _by_name(queryset, text):
    return queryset.filter(name__icontains=text)


def _people_by_name(queryset, text):
    return queryset.filter(Q(name__icontains=text) | Q(title__icontains=text))


SOURCES = {
    "schools": Source(_schools, _by_name, placeholder=gettext_lazy("Type a school to find more")),
    "teams": Source(_teams, _by_name, placeholder=gettext_lazy("Type a team to find more")),
    "people": Source(
        _people,
        _people_by_name,
        ("name", "title"),
        labelled,
        gettext_lazy("Type a name or title to find more"),
    ),
    "staff": Source(
        _staff,
        _people_by_name,
        ("name", "title"),
        labelled,
        gettext_lazy("Type a name or title to find more"),
    ),
}


def suggestions(source: Source, queryset: QuerySet, text: str) -> tuple[list[tuple], bool]:
    """The first matches for `text` as (pk, label) rows, and whether there are more."""
    text = text.strip()[:100]
    if not text:
        return [], False
    found = source.labels(source.read(source.search(queryset, text))[: SUGGESTIONS + 1])
    return found[:SUGGESTIONS], len(found) > SUGGESTIONS


def choice_inputs(name: str, rows, *, checked: bool, multiple: bool):
    """One labelled radio (or checkbox) per (value, label) row."""
    kind = "checkbox" if multiple else "radio"
    return format_html_join(
        "",
        '<label class="picker-choice"><input type="{}" name="{}" value="{}"{}> {}</label>',
        ((kind, name, str(value), " checked" if checked else "", label) for value, label in rows),
    )


def found_html(name: str, rows, more: bool, text: str, *, multiple: bool):
    """The matches of a search, as the suggestions view and the no-script page show them."""
    if not text.strip():
        return ""
    if not rows:
        return format_html(
            '<p class="meta">{}</p>', _("Nothing matches “%(text)s”.") % {"text": text.strip()}
        )
    note = (
        format_html(
            '<p class="meta">{}</p>',
            ngettext(
                "The first %(count)d match: type more to narrow.",
                "The first %(count)d matches: type more to narrow.",
                len(rows),
            )
            % {"count": len(rows)},
        )
        if more
        else ""
    )
    return format_html("{}{}", choice_inputs(name, rows, checked=False, multiple=multiple), note)


class Picker(forms.Select):
    """A select for a short list; above `PICKER_THRESHOLD` rows, a search-as-you-type picker.

    Use it on a ModelChoiceField whose queryset is one of `SOURCES` (or narrower: the field
    still validates against its own queryset); the labels are the source's. A page that has already read the choices, up to
    one row past the threshold, may hand them over in `rows` to save the query.
    """

    multiple = False
    threshold = PICKER_THRESHOLD

    def __init__(self, source: str, attrs=None, params: dict | None = None):
        super().__init__(attrs)
        if source not in SOURCES:
            raise ValueError(f"No picker source named {source!r}.")
        self.source = source
        self.params = params or {}
        self.rows = None
        self.find_text = ""

    def value_from_datadict(self, data, files, name):
        # The search box travels with the form, so a page sent without JavaScript can show
        # what it found. Read here because render() only gets the field's value.
        # Text no person types (a NUL, a page of it) is a bad request, not a database error.
        self.find_text = query_text(None, f"{name}_find", source=data)[:100]
        return super().value_from_datadict(data, files, name)

    def _model_field(self):
        choices = self.choices
        return choices.field if isinstance(choices, ModelChoiceIterator) else None

    def _read(self):
        """(rows as (pk, label), empty label or None, queryset or None)."""
        field = self._model_field()
        if field is None:  # plain choices: already in memory
            rows = [(value, label) for value, label in self.choices if value != ""]
            empty = next((label for value, label in self.choices if value == ""), None)
            return rows, empty, None
        if self.rows is not None:
            rows = list(self.rows)
        else:
            source = SOURCES[self.source]
            rows = source.labels(source.read(field.queryset)[: self.threshold + 1])
        return rows, field.empty_label, field.queryset

    def render(self, name, value, attrs=None, renderer=None):
        values = [str(v) for v in self.format_value(value) if v not in ("", None)]
        rows, empty_label, queryset = self._read()
        attrs = self.build_attrs(self.attrs, attrs)
        if len(rows) <= self.threshold or queryset is None:
            return self._select(name, values, attrs, rows, empty_label)
        return self._picker(name, values, attrs, rows, empty_label, queryset)

    def _select(self, name, values, attrs, rows, empty_label):
        selected = set(values)
        options = [("", empty_label)] if empty_label is not None else []
        options_html = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(choice), " selected" if str(choice) in selected else "", label)
                for choice, label in options + rows
            ),
        )
        if self.multiple:
            attrs = {**attrs, "multiple": True}
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options_html)

    def _chosen(self, values, rows, queryset):
        """The chosen rows with their labels; ids that are not among the choices drop out."""
        labels = {str(pk): label for pk, label in rows}
        # Values that cannot be an id (text, or past what the database holds) are not looked
        # up: the field's own error says so.
        missing = [pk for v in values if v not in labels and (pk := as_id(v)) is not None]
        if missing:
            source = SOURCES[self.source]
            for pk, label in source.labels(source.read(queryset.filter(pk__in=missing))):
                labels[str(pk)] = label
        return [(v, labels[v]) for v in dict.fromkeys(values) if v in labels]

    def _picker(self, name, values, attrs, rows, empty_label, queryset):
        source = SOURCES[self.source]
        chosen = self._chosen(values, rows, queryset)
        field_id = attrs.get("id") or f"id_{name}"
        found_id = f"{field_id}_found"
        query = {"name": name, **self.params}
        if self.multiple:
            query["multiple"] = "1"
        url = f"{reverse('districts:picker', args=[self.source])}?{urlencode(query)}"
        found, more = suggestions(source, queryset, self.find_text)
        chosen_keys = {str(pk) for pk, _ in chosen}
        found = [(pk, label) for pk, label in found if str(pk) not in chosen_keys]
        empty = (
            choice_inputs(name, [("", empty_label)], checked=not values, multiple=False)
            if empty_label is not None and not self.multiple
            else ""
        )
        return format_html(
            '<div class="picker">'
            '<input type="search" id="{}" name="{}_find" value="{}" autocomplete="off"'
            ' placeholder="{}" aria-controls="{}"'
            ' hx-get="{}" hx-trigger="input changed delay:250ms, search"'
            ' hx-target="#{}" hx-swap="innerHTML" hx-push-url="false" hx-sync="this:replace">'
            '<div class="picker-choices">{}{}<div id="{}" class="picker-found" aria-live="polite">'
            "{}</div></div></div>",
            field_id,
            name,
            self.find_text,
            source.placeholder,
            found_id,
            url,
            found_id,
            empty,
            choice_inputs(name, chosen, checked=True, multiple=self.multiple),
            found_id,
            found_html(name, found, more, self.find_text, multiple=self.multiple),
        )


class MultiplePicker(Picker):
    """The same for a ModelMultipleChoiceField: checkboxes instead of radios."""

    multiple = True
    allow_multiple_selected = True

    def value_omitted_from_data(self, data, files, name):
        return False
