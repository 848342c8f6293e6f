"""The progress-over-time chart: actions by status at the end of each quarter, as SVG (matplotlib).

One chart per complaint, for the scrutiny page and the committee PDF. Colour is never the only
cue: each status also has its own hatching, the legend names them, and the page and the PDF print
the same figures as a table beside the chart. matplotlib is imported only when a chart is drawn
(it takes a moment to load and most requests never need it).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

from rollcall.actionplans.selectors import QuarterPoint
from rollcall.rules import actionplans as rules

# (status, label, GOV.UK colour, hatching)
SERIES: tuple[tuple[str, str, str, str], ...] = (
    (rules.COMPLETE, "Complete", "#00703c", ""),
    (rules.IN_PROGRESS, "In progress", "#1d70b8", "///"),
    (rules.NOT_STARTED, "Not started", "#505a5f", "xx"),
    (rules.NOT_STATED, "Not stated", "#b1b4b6", ".."),
)


def series_for(points: Sequence[QuarterPoint]) -> list[tuple[str, str, str, str]]:
    """Complete, in progress and not started always; "not stated" only where a plan has some."""
    return [s for s in SERIES if s[0] != rules.NOT_STATED or any(p.by_status[s[0]] for p in points)]


def progress_chart_svg(points: Sequence[QuarterPoint], *, title: str) -> str:
    """Stacked bars, one a quarter, of how many actions were complete, in progress and not started."""
    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in a web process
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context(
        {
            "svg.fonttype": "path",  # self-contained: the same in a browser, WeasyPrint and a viewer
            "svg.hashsalt": "rollcall-actionplans",  # stable ids, so the same figures give the same file
            # The report's own typeface where the machine has it; matplotlib's DejaVu Sans otherwise.
            "font.family": "sans-serif",
            "font.sans-serif": ["Arial", "Liberation Sans", "Helvetica", "DejaVu Sans"],
            "font.size": 9,
            "hatch.color": "white",
            "hatch.linewidth": 1.0,
        }
    ):
        figure = Figure(figsize=(7.5, 2.4), layout="constrained")
        axes = figure.subplots()
        labels = [p.label for p in points] or ["No actions yet"]
        bottoms = [0] * len(labels)
        for status, label, colour, hatch in series_for(points):
            heights = [p.by_status[status] for p in points] or [0]
            axes.bar(
                labels,
                heights,
                bottom=bottoms,
                label=label,
                color=colour,
                hatch=hatch,
                width=0.55,
                edgecolor="white",
            )
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
        # Bars keep their width however few quarters there are (a new plan has one).
        axes.set_xlim(-0.6, max(len(labels), 4) - 0.4)
        axes.set_title(title, loc="left", fontsize=10, fontweight="bold")
        axes.set_ylabel("Actions")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(0, max([*bottoms, 1]) * 1.15)
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
        axes.set_axisbelow(True)
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def data_uri(svg: str) -> str:
    """An SVG as a data: address for an <img>, so several charts on one page never share ids."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
