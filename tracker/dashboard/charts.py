"""Stacked bar charts as geometry, and that geometry as an inline SVG (`svg`).

Colours go in SVG presentation attributes (fill=…), never in style attributes, so the
page works under a Content-Security-Policy without 'unsafe-inline'. Every chart has a
data table next to it on the page; the SVG itself is labelled for screen readers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from markupsafe import Markup, escape

#: Okabe–Ito colours: told apart with the common colour-vision deficiencies
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
           "#882255")
STATE_COLOURS = {
    "done": "#009E73", "done_late": "#E69F00", "overdue": "#D55E00",
    "due_soon": "#56B4E9", "not_yet_due": "#BBBBBB",
}


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    #: the tooltip and accessible name of the segment, e.g. "2026-05 · Party lesson: 3"
    title: str


@dataclass
class BarChart:
    width: int
    height: int
    left: int
    top: int
    bottom: int  # y of the x axis
    right: int
    rects: list[Rect] = field(default_factory=list)
    #: (x centre, text) under each bar
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    #: (y, value) of the horizontal grid lines
    ticks: list[tuple[float, int]] = field(default_factory=list)
    #: (x, y, colour, text) of the legend entries
    legend: list[tuple[float, float, str, str]] = field(default_factory=list)
    empty: bool = True


def nice_step(maximum: int, lines: int = 4) -> int:
    """A 1, 2 or 5 × 10^k step giving at most `lines` grid lines up to `maximum`."""
    if maximum <= lines:
        return 1
    raw = maximum / lines
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


def stacked_bars(columns: list[tuple[str, dict[str, int]]], series: list[Series], *,
                 width: int = 640, height: int = 280, legend_columns: int = 4) -> BarChart:
    """One bar per column, stacked by series in the given order (bottom first)."""
    legend_rows = math.ceil(len(series) / legend_columns)
    left, right, top = 44, width - 8, 10
    bottom = height - 26 - 20 * legend_rows
    chart = BarChart(width, height, left, top, bottom, right)
    totals = [sum(values.get(s.key, 0) for s in series) for _, values in columns]
    peak = max(totals, default=0)
    chart.empty = peak == 0
    step = nice_step(peak)
    scale_max = max(step, math.ceil(peak / step) * step)
    plot_height = bottom - top
    slot = (right - left) / max(len(columns), 1)
    bar = min(48.0, slot * 0.7)
    for n in range(0, scale_max + 1, step):
        chart.ticks.append((round(bottom - plot_height * n / scale_max, 1), n))
    for index, (name, values) in enumerate(columns):
        x = left + slot * index + (slot - bar) / 2
        y = float(bottom)
        for s in series:
            value = values.get(s.key, 0)
            if not value:
                continue
            h = plot_height * value / scale_max
            y -= h
            chart.rects.append(Rect(round(x, 1), round(y, 1), round(bar, 1), round(h, 1), s.colour,
                                    f"{name} · {s.label}: {value}"))
        chart.x_labels.append((round(x + bar / 2, 1), name))
    entry = (right - left) / legend_columns
    for index, s in enumerate(series):
        row, col = divmod(index, legend_columns)
        chart.legend.append((round(left + col * entry, 1), bottom + 30 + 20 * row, s.colour, s.label))
    return chart


def svg(chart: BarChart, id: str, title: str, empty_text: str) -> Markup:
    """The chart as an inline SVG, written here rather than by a template: a chart has a few
    hundred numeric attributes, and a template escaped each one. Presentation attributes only
    (no style attributes), so the page keeps its Content-Security-Policy; the texts are escaped."""
    left, right, bottom = chart.left, chart.right, chart.bottom
    parts = [f'<svg class="dash-chart" viewBox="0 0 {chart.width} {chart.height}" role="img" '
             f'aria-labelledby="{escape(id)}-title">\n  <title id="{escape(id)}-title">{escape(title)}</title>']
    parts += [f'  <line x1="{left}" x2="{right}" y1="{y}" y2="{y}" stroke="#dddddd" stroke-width="1"/>'
              f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="11" fill="#555555">{value}</text>'
              for y, value in chart.ticks]
    parts += [f'  <rect x="{r.x}" y="{r.y}" width="{r.width}" height="{r.height}" fill="{r.colour}">'
              f'<title>{escape(r.title)}</title></rect>' for r in chart.rects]
    parts.append(f'  <line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="#333333" stroke-width="1"/>')
    parts += [f'  <text x="{x}" y="{bottom + 14}" text-anchor="middle" font-size="10" fill="#333333">{escape(text)}</text>'
              for x, text in chart.x_labels]
    if chart.empty:
        parts.append(f'  <text x="{(left + right) / 2}" y="{(chart.top + bottom) / 2}" text-anchor="middle" '
                     f'font-size="13" fill="#777777">{escape(empty_text)}</text>')
    parts += [f'  <rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
              f'<text x="{x + 16}" y="{y}" font-size="11" fill="#333333">{escape(text)}</text>'
              for x, y, colour, text in chart.legend]
    parts.append("</svg>")
    # Markup: every text above is escaped; the rest are numbers and the module's own colours.
    return Markup("\n".join(parts))  # noqa: S704  # nosec B704
