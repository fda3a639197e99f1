"""Simple horizontal bar charts as inline SVG, written here: no JavaScript, no CDN; and the
statistics page's charts built from its numbers (`statistics_charts`).

Each chart is an image with a name and a description (`role="img"`, `aria-labelledby` on its
`<title>` and `<desc>`); the page shows the same numbers in a table, which is what a screen
reader reads. Colours and sizes are SVG attributes, not `style`, so the CSP needs no
exception. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from markupsafe import Markup, escape

from participate.i18n.formatting import local_date, number

if TYPE_CHECKING:
    from participate.moderation.statistics import Statistics

WIDTH = 640
LABEL_WIDTH = 210
VALUE_WIDTH = 70
ROW_HEIGHT = 26
BAR_HEIGHT = 16
PADDING = 8
LABEL_CHARS = 30
BAR_COLOUR = "#1f4e9c"  # --blue: 8.1:1 on white (non-text contrast needs 3:1)
TEXT_COLOUR = "#1b1b1b"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, float]],
    value_format: Callable[[float], str] = lambda value: f"{value:g}",
) -> Markup:
    """An SVG chart of `bars` (label, value), one row each, largest value the longest bar."""
    top = max((value for _label, value in bars), default=0) or 1
    bar_space = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = PADDING * 2 + ROW_HEIGHT * max(len(bars), 1)
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{id}" role="img" '
            'aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {width} {height}" '
            'width="100%" preserveAspectRatio="xMinYMin meet" font-size="13" '
            'font-family="system-ui, sans-serif">'
        ).format(id=chart_id, width=WIDTH, height=height),
        Markup('<title id="{id}-title">{title}</title>').format(id=chart_id, title=title),
        Markup('<desc id="{id}-desc">{desc}</desc>').format(id=chart_id, desc=description),
    ]
    for row, (label, value) in enumerate(bars):
        y = PADDING + row * ROW_HEIGHT
        length = round(bar_space * value / top, 1) if value > 0 else 0
        parts.append(
            Markup(
                '<g><text x="{lx}" y="{ty}" text-anchor="end" fill="{text}">{label}</text>'
                '<rect x="{bx}" y="{by}" width="{length}" height="{bh}" fill="{bar}"></rect>'
                '<text x="{vx}" y="{ty}" fill="{text}">{value}</text></g>'
            ).format(
                lx=LABEL_WIDTH - 8,
                ty=y + BAR_HEIGHT - 3,
                text=TEXT_COLOUR,
                label=_short(label),
                bx=LABEL_WIDTH,
                by=y,
                length=length,
                bh=BAR_HEIGHT,
                bar=BAR_COLOUR,
                vx=LABEL_WIDTH + length + 6,
                value=value_format(value),
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(escape(part) for part in parts)


def statistics_charts(stats: Statistics) -> dict[str, Markup]:
    """The statistics page's five charts ({"months": <figcaption> + <svg>, …}), each with a
    visible title and a description naming the period (dates in the page's language)."""
    period = {"start": local_date(stats.period.start), "end": local_date(stats.period.end)}
    same_numbers = _("The same numbers are in the table below the chart.")

    def chart(chart_id: str, title: str, desc: str, bars: list[tuple[str, float]]) -> Markup:
        # A visible title for each chart (two charts can share one heading).
        caption = Markup('<figcaption class="chart-title">{}</figcaption>').format(title)
        return caption + bar_chart(
            chart_id=chart_id,
            title=title,
            description=f"{desc} {same_numbers}",
            bars=bars,
            value_format=lambda value: number(value),
        )

    return {
        "months": chart(
            "chart-months",
            _("Initiatives sent per month"),
            _("Bar chart of initiatives sent each month from %(start)s to %(end)s.", **period),
            [(row.label, row.submissions) for row in stats.months],
        ),
        "supports": chart(
            "chart-supports",
            _("Supports given per month"),
            _("Bar chart of supports given each month from %(start)s to %(end)s.", **period),
            [(row.label, row.supports) for row in stats.months],
        ),
        "districts": chart(
            "chart-districts",
            _("Initiatives per major district"),
            _("Bar chart of initiatives sent in the period per major district."),
            [(row.label, row.submissions) for row in stats.districts],
        ),
        "themes": chart(
            "chart-themes",
            _("Initiatives per theme"),
            _("Bar chart of initiatives sent in the period per theme."),
            [(row.label, row.submissions) for row in stats.themes],
        ),
        "statuses": chart(
            "chart-statuses",
            _("Initiatives per status"),
            _("Bar chart of the present status of initiatives sent in the period."),
            [(row.status.label, row.initiatives) for row in stats.statuses],
        ),
    }
