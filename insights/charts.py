"""Charts drawn on the server as SVG: no script, readable by a screen reader through its title
and description, and always shown next to a table of the same numbers.

A figure that is not shown (None) is a gap in the chart, never a bar of zero height.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colours with at least 3:1 contrast against white, told apart by pattern of position too.
COLOURS = ("#1f5f99", "#b3541e", "#2e7d4f", "#6b4c9a")
# Drawn about as wide as a phone, so its words stay readable there without scrolling.
WIDTH, PLOT_HEIGHT = 400, 200
LEFT, RIGHT, TOP = 40, 10, 10
FONT = 13
LEGEND_LINE = 20
# At most this many month labels: more would run into each other.
MOST_LABELS = 6


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: list[str],
    series: list[tuple[str, list[int | None]]],
    marks: list[tuple[int, str]] = (),
) -> SafeString:
    """Grouped bars: one group per category (a month), one bar per series (a source)."""
    peak = max((v for _label, values in series for v in values if v), default=0)
    scale_top = max(peak, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, PLOT_HEIGHT
    height_all = TOP + plot_h + 44 + LEGEND_LINE * len(series)
    label_every = -(-len(categories) // MOST_LABELS) or 1
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" width="100%" viewBox="0 0 {WIDTH} {height_all}" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#555" />',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="{FONT}">{peak}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="{FONT}">0</text>',
    ]
    for c, category in enumerate(categories):
        x0 = LEFT + c * group_w + group_w * 0.1
        for s, (label, values) in enumerate(series):
            value = values[c]
            if not value:
                continue  # not shown: a gap
            height = plot_h * value / scale_top
            parts.append(
                f'<rect x="{x0 + s * bar_w:.1f}" y="{TOP + plot_h - height:.1f}" '
                f'width="{bar_w:.1f}" height="{height:.1f}" fill="{COLOURS[s % len(COLOURS)]}">'
                f"<title>{escape(label)}, {escape(category)}: {value}</title></rect>"
            )
        if c % label_every == 0:
            # "Jul 2026" on two lines: the month, and the year under it.
            x = f"{LEFT + (c + 0.5) * group_w:.1f}"
            lines = "".join(
                f'<tspan x="{x}" dy="{0 if n == 0 else FONT + 2}">{escape(word)}</tspan>'
                for n, word in enumerate(category.split(" ", 1))
            )
            parts.append(
                f'<text x="{x}" y="{TOP + plot_h + 18}" text-anchor="middle" '
                f'font-size="{FONT}">{lines}</text>'
            )
    parts += _marks(marks, lambda c: LEFT + (c + 0.5) * group_w)
    for s, (label, _values) in enumerate(series):
        y = TOP + plot_h + 44 + LEGEND_LINE * s
        parts.append(
            f'<rect x="{LEFT}" y="{y + 4}" width="12" height="12" '
            f'fill="{COLOURS[s % len(COLOURS)]}" />'
            f'<text x="{LEFT + 18}" y="{y + 15}" font-size="{FONT}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: list[str],
    series: list[tuple[str, list[float | None]]],
    low: float,
    high: float,
    marks: list[tuple[int, str]] = (),
) -> SafeString:
    """Lines on a fixed scale from `low` to `high` (the pulse runs 1 to 5), one point a month.
    A month not shown breaks the line: a gap, never a point at the bottom."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, PLOT_HEIGHT
    height_all = TOP + plot_h + 44 + LEGEND_LINE * len(series)
    label_every = -(-len(categories) // MOST_LABELS) or 1
    step = plot_w / max(len(categories), 1)
    ident = escape(chart_id)
    parts = [
        f'<svg class="chart" id="{ident}" role="img" width="100%" viewBox="0 0 {WIDTH} {height_all}" '
        f'aria-labelledby="{ident}-title {ident}-desc" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * (value - low) / (high - low)

    for mark in range(int(low), int(high) + 1):
        parts.append(
            f'<line x1="{LEFT}" y1="{y(mark):.1f}" x2="{WIDTH - RIGHT}" y2="{y(mark):.1f}" '
            'stroke="#ddd" />'
            f'<text x="{LEFT - 6}" y="{y(mark) + 4:.1f}" text-anchor="end" '
            f'font-size="{FONT}">{mark}</text>'
        )
    for s, (label, values) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        runs: list[list[str]] = [[]]
        for c, value in enumerate(values):
            if value is None:
                runs.append([])
                continue
            x = LEFT + (c + 0.5) * step
            runs[-1].append(f"{x:.1f},{y(value):.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="4" fill="{colour}">'
                f"<title>{escape(label)}, {escape(categories[c])}: {value}</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                    'stroke-width="2" />'
                )
    for c, category in enumerate(categories):
        if c % label_every == 0:
            x = f"{LEFT + (c + 0.5) * step:.1f}"
            lines = "".join(
                f'<tspan x="{x}" dy="{0 if n == 0 else FONT + 2}">{escape(word)}</tspan>'
                for n, word in enumerate(category.split(" ", 1))
            )
            parts.append(
                f'<text x="{x}" y="{TOP + plot_h + 18}" text-anchor="middle" '
                f'font-size="{FONT}">{lines}</text>'
            )
    parts += _marks(marks, lambda c: LEFT + (c + 0.5) * step)
    for s, (label, _values) in enumerate(series):
        row = TOP + plot_h + 44 + LEGEND_LINE * s
        parts.append(
            f'<rect x="{LEFT}" y="{row + 4}" width="12" height="12" '
            f'fill="{COLOURS[s % len(COLOURS)]}" />'
            f'<text x="{LEFT + 18}" y="{row + 15}" font-size="{FONT}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped


def _marks(marks, x_of) -> list[str]:
    """Milestones: a dashed line at their month, numbered as in the list beside the chart."""
    parts = []
    for number, (c, label) in enumerate(marks, start=1):
        x = f"{x_of(c):.1f}"
        parts.append(
            f'<line x1="{x}" y1="{TOP}" x2="{x}" y2="{TOP + PLOT_HEIGHT}" stroke="#333" '
            f'stroke-dasharray="4 3"><title>{escape(label)}</title></line>'
            f'<text x="{x}" y="{TOP + 12}" dx="3" font-size="{FONT}">{number}</text>'
        )
    return parts
