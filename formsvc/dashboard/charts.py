"""Horizontal bar charts as data for a server-rendered SVG (templates/dashboard/_chart.html).

The geometry is worked out here, so the template only draws, and a test can read what a chart
says without a browser. Every chart is followed on the page by a table of the same numbers: the
SVG is a picture of the table (role="img" with a title), never the only way to read a figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

WIDTH = 640          # the viewBox; the SVG scales to the column's width
LABEL_WIDTH = 200    # room for a procedure's name on the left
VALUE_WIDTH = 110    # room for the number after the longest bar
BAR_HEIGHT = 22
GAP = 10
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None   # None: nothing to show (e.g. no applications)
    text: str             # the value as written beside the bar and in the table (e.g. 「42.0%」)
    y: int = 0
    width: float = 0.0


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    bars: tuple[Bar, ...]

    @property
    def height(self) -> int:
        return TOP * 2 + len(self.bars) * (BAR_HEIGHT + GAP)

    @property
    def plot_width(self) -> int:
        return WIDTH - LABEL_WIDTH - VALUE_WIDTH

    label_width = LABEL_WIDTH
    width = WIDTH
    bar_height = BAR_HEIGHT


def bar_chart(chart_id: str, title: str, bars: Iterable[tuple[str, float | None, str]],
              maximum: float | None = None) -> BarChart:
    """A chart of (label, value, text) bars scaled to ``maximum`` (the largest value when None)."""
    items = list(bars)
    top = maximum if maximum is not None else max((v for _, v, _ in items if v is not None), default=0)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    placed = tuple(
        Bar(label, value, text, y=TOP + index * (BAR_HEIGHT + GAP),
            width=round(plot * value / top, 1) if value is not None and top > 0 else 0.0)
        for index, (label, value, text) in enumerate(items))
    return BarChart(chart_id, title, placed)


def shorten(label: str, limit: int = 14) -> str:
    """A label that fits the chart's left column (the table beside it has the whole name)."""
    return label if len(label) <= limit else label[: limit - 1] + "…"
