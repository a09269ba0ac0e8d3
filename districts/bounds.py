"""What Roundtable accepts from anyone who types: one place for ranges, characters and lengths.

Every form mixes in `Bounded`, which gives each field the checks its kind needs: dates and
datetimes between `EARLIEST` and `LATEST`, single-line text without control characters (a
line break in a title would end up in an e-mail header), multi-line text without NUL or other
control characters. Every text field has a length bound: its own `max_length` (a model
field's), else `TEXT_LENGTH` for a text box and `LINE_LENGTH` for one line. The page carries it
as `maxlength`, and text past it is refused with "At most N characters; this has M." while the
form keeps what was typed; nothing is ever cut to fit. A text box counts a line break as one
character, as the browser does (it sends two). Query parameters go through `query_text` and
`query_id`, which answer 400 for values that cannot be right instead of letting the database
fail on them.
"""

import datetime
import re

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import formats, timezone
from django.utils.translation import gettext as _

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2100, 12, 31)
# The largest id both SQLite and PostgreSQL's bigint can hold.
MAX_ID = 2**63 - 1
QUERY_TEXT_LENGTH = 200
# Bounds for text fields that name none of their own (a model's TextField, a form's CharField).
TEXT_LENGTH = 20_000
LINE_LENGTH = 1_000

# C0 and C1 control characters and DEL; text boxes may also keep tabs and line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _range_error() -> ValidationError:
    return ValidationError(
        _("Enter a date between %(earliest)s and %(latest)s.")
        % {"earliest": EARLIEST.year, "latest": LATEST.year},
        code="out_of_range",
    )


def check_date(value: datetime.date | None) -> None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise _range_error()


def check_datetime(value: datetime.datetime | None) -> None:
    if value is None:
        return
    try:
        local = timezone.localtime(value) if timezone.is_aware(value) else value
    except OverflowError:  # past the year 9999 (or before year 1) in the current time zone
        raise _range_error() from None
    check_date(local.date())


def check_line(value: str) -> None:
    if value and _CONTROL.search(value):
        raise ValidationError(
            _("Keep this to one line of plain text (no line breaks or control characters)."),
            code="control_characters",
        )


def check_text(value: str) -> None:
    if value and _CONTROL_IN_TEXT.search(value):
        raise ValidationError(
            _("This text holds a control character that cannot be saved; remove it."),
            code="control_characters",
        )


def one_line(text: str) -> str:
    """Text safe for an e-mail subject or header: control characters become spaces."""
    return " ".join(_CONTROL.sub(" ", text or "").split())


def _count(number: int) -> str:
    return formats.number_format(number, force_grouping=True)


class MaxLength(MaxLengthValidator):
    """Django's length check, saying the limit and the length in a person's words."""

    def __call__(self, value) -> None:
        if len(value) > self.limit_value:
            raise ValidationError(
                _("At most %(limit)s characters; this has %(count)s.")
                % {"limit": _count(self.limit_value), "count": _count(len(value))},
                code="max_length",
            )


def _one_line_break_each(to_python):
    """A text box's line breaks as the browser counts them ("\r\n" is sent, "\n" counted)."""

    def read(value):
        value = to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value

    return read


def bound_length(field: forms.CharField) -> None:
    """Give a text field its length bound, its `maxlength` and the check that says it."""
    box = isinstance(field.widget, forms.Textarea)
    if field.max_length is None:
        field.max_length = TEXT_LENGTH if box else LINE_LENGTH
    field.validators = [
        v
        for v in field.validators
        if not isinstance(v, MaxLengthValidator) or isinstance(v, MaxLength)
    ]
    if not any(isinstance(v, MaxLength) for v in field.validators):
        field.validators.append(MaxLength(field.max_length))
    if not field.widget.is_hidden:
        field.widget.attrs["maxlength"] = str(field.max_length)
    if box:
        field.to_python = _one_line_break_each(field.to_python)


def _validator_for(field: forms.Field):
    if isinstance(field, forms.DateTimeField):
        return check_datetime
    if isinstance(field, forms.DateField):
        return check_date
    if isinstance(field, forms.CharField):
        return check_text if isinstance(field.widget, forms.Textarea) else check_line
    return None


class Bounded:
    """Mixed into every form (before `forms.Form`): each field gets the checks of its kind."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            validator = _validator_for(field)
            if validator is not None and validator not in field.validators:
                field.validators = [*field.validators, validator]
            if isinstance(field, forms.CharField):
                bound_length(field)
            if isinstance(field, forms.DateTimeField):
                field.widget.attrs.setdefault("min", f"{EARLIEST.isoformat()}T00:00")
                field.widget.attrs.setdefault("max", f"{LATEST.isoformat()}T23:59")
            elif isinstance(field, forms.DateField):
                field.widget.attrs.setdefault("min", EARLIEST.isoformat())
                field.widget.attrs.setdefault("max", LATEST.isoformat())


def query_text(request, name: str, max_length: int = QUERY_TEXT_LENGTH, *, source=None) -> str:
    """A search box's text from the query string (or `source`, such as a form's data); 400 for
    text no person types."""
    value = str((source if source is not None else request.GET).get(name, "") or "")
    if len(value) > max_length or _CONTROL.search(value):
        raise BadRequest(f"Bad value for {name!r}")
    return value.strip()


def as_id(value) -> int | None:
    """`value` as a row id, or None when it cannot be one (not digits, zero, past `MAX_ID`)."""
    value = str(value)
    if len(value) > len(str(MAX_ID)) or not value.isascii() or not value.isdigit():
        return None
    if not 0 < int(value) <= MAX_ID:
        return None
    return int(value)


def query_id(request, name: str, *, source=None) -> int | None:
    """An id from the query string (None when absent or empty); 400 when it cannot be an id."""
    value = (source if source is not None else request.GET).get(name, "")
    if value in ("", None):
        return None
    found = as_id(value)
    if found is None:
        raise BadRequest(f"Bad value for {name!r}")
    return found
