from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def coverage_cells(groups, targets) -> str:
    """A row's cells of days since each group was met: one tag call a row, because a template
    loop over the page's 450 cells costs more than the rest of the page.

    Safe: the cells hold only numbers and fixed words."""
    return mark_safe(
        "".join(_cell(days, target) for days, target in zip(groups, targets, strict=True))
    )


def _cell(days: int | None, target: int) -> str:
    if days is None:
        return '<td class="gap">–</td>'
    if days > target:
        return f'<td class="gap">{days:d} d</td>'
    return f"<td>{days:d} d</td>"


@register.simple_tag
def coverage_lines(groups, labels, targets) -> str:
    """A card's short lines, one per role group: "Cook: 12 d", with the ones past the target
    marked. Safe: fixed labels (escaped) and numbers."""
    lines = []
    for (_, label), days, target in zip(labels, groups, targets, strict=True):
        text = "not met yet" if days is None else f"{days:d} d"
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
