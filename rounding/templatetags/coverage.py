from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def coverage_cells(groups, targets) -> str:
    """A row's cells of days since each group was met: one tag call a row, because a template
    loop over the page's 450 cells costs more than the rest of the page.

    Safe: the cells hold only numbers and escaped words."""
    short = _days()
    return mark_safe(
        "".join(_cell(days, target, short) for days, target in zip(groups, targets, strict=True))
    )


def _days() -> str:
    """Days since, short ("12 d"): translated once a row, not once a cell."""
    return pgettext("days since, short", "%(days)s d")


def _cell(days: int | None, target: int, short: str) -> str:
    if days is None:
        return '<td class="gap">–</td>'
    text = escape(short % {"days": days})
    if days > target:
        return f'<td class="gap">{text}</td>'
    return f"<td>{text}</td>"


@register.simple_tag
def coverage_lines(groups, labels, targets) -> str:
    """A card's short lines, one per role group: "Cook: 12 d", with the ones past the target
    marked. Safe: fixed labels (escaped) and numbers."""
    lines = []
    short, never = _days(), _("not met yet")
    for (_value, label), days, target in zip(labels, groups, targets, strict=True):
        text = never if days is None else short % {"days": days}
        late = days is None or days > target
        lines.append(
            format_html(
                '<li{}><span class="group">{}</span> {}</li>',
                mark_safe(' class="gap"') if late else "",
                label,
                text,
            )
        )
    return mark_safe("".join(lines))
