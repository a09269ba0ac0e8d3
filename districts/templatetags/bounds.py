"""The bounds of `districts.bounds` for fields a template writes out itself, without a form."""

from django import template

from districts.bounds import QUERY_TEXT_LENGTH, TEXT_LENGTH

register = template.Library()


@register.simple_tag
def text_length() -> int:
    """A text box bound by the module (a model's TextField): `maxlength="{% text_length %}"`."""
    return TEXT_LENGTH


@register.simple_tag
def query_text_length() -> int:
    """A search box read with `query_text`."""
    return QUERY_TEXT_LENGTH
