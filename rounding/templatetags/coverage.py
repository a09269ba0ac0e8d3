from django import template
from django.utils.safestring import mark_safe

from rounding.models import COVERAGE_TARGET_DAYS

register = template.Library()


@register.simple_tag
def coverage_cells(groups) -> str:
    """A row's cells of days since each group was met: one tag call a row, because a template
    loop over the page's 450 cells costs more than the rest of the page.

    Safe: the cells hold only numbers and fixed words."""
    return mark_safe("".join(_cell(days) for days in groups))


def _cell(days: int | None) -> str:
    if days is None:
        return '<td class="gap">–</td>'
    if days > COVERAGE_TARGET_DAYS:
        return f'<td class="gap">{days:d} d</td>'
    return f"<td>{days:d} d</td>"
