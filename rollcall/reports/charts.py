"""Charts as SVG, drawn with matplotlib: the same bytes for the same figures, and accessible.

Deterministic: a fixed style (sizes, colours, font family and size), ``svg.hashsalt`` fixed so
element ids do not change between runs, text kept as text (``svg.fonttype: none``) rather than
glyph paths that depend on the fonts installed, and no date or creator in the metadata.

Accessible: each chart carries a text alternative (:func:`alt_text`), is always shown beside the
table of the same figures, and uses colours from the GOV.UK palette that stay apart for common
colour-vision differences, with markers on lines so series differ by shape as well as colour.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from rollcall.reports.documents import Chart, Table, chart_series

# GOV.UK colours: blue, orange, turquoise, purple, dark grey.
COLOURS = ("#1d70b8", "#f47738", "#28a197", "#4c2c92", "#505a5f")
MARKERS = ("o", "s", "^", "D", "v")

STYLE: dict[str, Any] = {
    "svg.hashsalt": "rollcall-reports",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["Arial", "Helvetica", "DejaVu Sans"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#0b0c0c",
    "axes.labelcolor": "#0b0c0c",
    "xtick.color": "#0b0c0c",
    "ytick.color": "#0b0c0c",
    "figure.dpi": 72,
}
SIZE = (7.5, 3.6)  # inches: fits an A4 page and the GOV.UK two-thirds column


def alt_text(chart: Chart, table: Table) -> str:
    """A text alternative: what the chart shows, its largest values, and where the figures are."""
    categories, series = chart_series(chart, table)
    parts = []
    for name, values in series:
        known = [(v, c) for v, c in zip(values, categories, strict=True) if v is not None]
        if known:
            high_value, high_category = max(known, key=lambda item: item[0])
            parts.append(f"{name}: highest {high_category} ({high_value:g})")
    shape = {"bar": "Bar chart", "column": "Column chart", "line": "Line chart"}[chart.kind]
    detail = "; ".join(parts)
    return f"{shape}: {chart.title}. {detail}. The figures are in the table '{table.caption}'."


def render_svg(chart: Chart, table: Table) -> str:
    """The chart as an SVG document (text)."""
    categories, series = chart_series(chart, table)
    with rc_context(STYLE):  # type: ignore[arg-type]  # keys checked by matplotlib at run time
        figure = Figure(figsize=SIZE)
        axes = figure.add_subplot()
        if chart.kind == "line":
            # Numeric positions with the labels set on the ticks: matplotlib's category axis
            # would guess at labels that look like dates ("Mar 2026").
            positions = list(range(len(categories)))
            for i, (name, values) in enumerate(series):
                axes.plot(
                    positions,
                    [float("nan") if v is None else v for v in values],
                    label=name,
                    color=COLOURS[i % len(COLOURS)],
                    marker=MARKERS[i % len(MARKERS)],
                    linewidth=2,
                )
            axes.set_xticks(positions, categories)
            axes.tick_params(axis="x", labelrotation=30)
        else:
            positions = list(range(len(categories)))
            width = 0.8 / max(len(series), 1)
            for i, (name, values) in enumerate(series):
                offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
                heights = [0.0 if v is None else v for v in values]
                if chart.kind == "bar":
                    axes.barh(offsets, heights, height=width, label=name, color=COLOURS[i % len(COLOURS)])
                else:
                    axes.bar(offsets, heights, width=width, label=name, color=COLOURS[i % len(COLOURS)])
            if chart.kind == "bar":
                axes.set_yticks(positions, categories)
                axes.invert_yaxis()
                axes.set_xlabel(chart.y_label)
            else:
                axes.set_xticks(positions, categories)
                axes.tick_params(axis="x", labelrotation=30)
                axes.set_ylabel(chart.y_label)
        if chart.kind == "bar":
            axes.set_xlim(left=0)
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            axes.set_ylabel(chart.y_label)
            axes.set_ylim(bottom=0)
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        if len(series) > 1:
            axes.legend(frameon=False, fontsize=9)
        axes.set_title(chart.title, loc="left", fontsize=11, fontweight="bold")
        if chart.kind != "bar":
            for label in axes.get_xticklabels():
                label.set_horizontalalignment("right")
                label.set_rotation_mode("anchor")
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def data_uri(svg: str) -> str:
    """The SVG as a data: address for an <img>, which the page and WeasyPrint both show."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
