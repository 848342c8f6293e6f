"""The committee report as PDF (WeasyPrint, from a template) and XLSX (XlsxWriter, native charts).

Both are made from :func:`rollcall.actionplans.selectors.scrutiny_report`, the same structure the
scrutiny page shows, so the figures in a download are always the page's figures.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import xlsxwriter
from django.template.loader import render_to_string

from rollcall.actionplans import charts
from rollcall.actionplans.selectors import RAG_LABELS, STATUS_LABELS, ComplaintReport, ScrutinyReport
from rollcall.formats import long_date, spreadsheet_cell
from rollcall.pdf import html_to_pdf
from rollcall.rules import actionplans as rules

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The RAG colours (GOV.UK palette) and the text always printed with them.
RAG_COLOURS = {
    rules.RED: "#d4351c",
    rules.AMBER: "#f47738",
    rules.GREEN: "#00703c",
    rules.NOT_RATED: "#b1b4b6",
}
STATUS_COLUMNS: tuple[str, ...] = (rules.COMPLETE, rules.IN_PROGRESS, rules.NOT_STARTED, rules.NOT_STATED)
RAG_COLUMNS: tuple[str, ...] = (rules.RED, rules.AMBER, rules.GREEN, rules.NOT_RATED)


def chart_uris(report: ScrutinyReport) -> dict[int, str]:
    """Each complaint's progress-over-time chart as an SVG data: address."""
    return {
        c.complaint.pk: charts.data_uri(
            charts.progress_chart_svg(
                c.quarters, title=f"{c.complaint.reference}: actions by status at each quarter end"
            )
        )
        for c in report.complaints
    }


def scrutiny_html(report: ScrutinyReport, *, council_name: str) -> str:
    """The HTML the committee PDF is printed from (tests read it; the PDF view prints it)."""
    return render_to_string(
        "actionplans/scrutiny_pdf.html",
        {
            "report": report,
            "council_name": council_name,
            "charts": chart_uris(report),
            "rag_colours": RAG_COLOURS,
            "produced": long_date(report.produced_on),
        },
    )


def scrutiny_pdf(report: ScrutinyReport, *, council_name: str) -> bytes:
    """The committee report: A4 landscape, page X of Y, council name and date on every page."""
    return html_to_pdf(scrutiny_html(report, council_name=council_name))


# ---- XLSX -------------------------------------------------------------------------------------------


def _sheet_name(reference: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "-", reference).strip() or "Complaint"
    name, n = base[:31], 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def scrutiny_xlsx(report: ScrutinyReport, *, council_name: str) -> bytes:
    """A summary sheet with a native stacked-column chart, then one sheet per complaint."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    f = _Formats(book)
    summary = book.add_worksheet("Summary")
    taken = {"summary"}
    summary.write_string(0, 0, f"{council_name}: ombudsman action plans", f.title)
    summary.write_string(
        1, 0, f"Progress report to the scrutiny committee, produced {long_date(report.produced_on)}"
    )
    headers = [
        "Reference",
        "Plan",
        "Source plan's council",
        "Actions",
        *(STATUS_LABELS[s] for s in STATUS_COLUMNS),
        "Overdue",
        *(f"RAG: {RAG_LABELS[r]}" for r in RAG_COLUMNS),
    ]
    top = 3
    for col, header in enumerate(headers):
        summary.write_string(top, col, header, f.header)
    for i, c in enumerate(report.complaints, start=1):
        p = c.progress
        row = top + i
        summary.write_string(row, 0, spreadsheet_cell(c.complaint.reference))
        summary.write_string(row, 1, spreadsheet_cell(c.complaint.title), f.wrap)
        summary.write_string(row, 2, spreadsheet_cell(c.complaint.council_named_in_source))
        summary.write_number(row, 3, p.total)
        for j, status in enumerate(STATUS_COLUMNS):
            summary.write_number(row, 4 + j, p.by_status[status])
        summary.write_number(row, 8, p.overdue)
        for j, rag in enumerate(RAG_COLUMNS):
            summary.write_number(row, 9 + j, p.by_rag[rag], f.rag[rag])
    summary.set_column(0, 0, 14)
    summary.set_column(1, 1, 48)
    summary.set_column(2, 2, 22)
    summary.set_column(3, 12, 12)
    summary.freeze_panes(top + 1, 0)
    if report.complaints:
        last = top + len(report.complaints)
        chart = book.add_chart({"type": "column", "subtype": "stacked"})
        for j, status in enumerate(STATUS_COLUMNS):
            colour = {s: c for s, _l, c, _h in charts.SERIES}[status]
            chart.add_series(
                {
                    "name": ["Summary", top, 4 + j],
                    "categories": ["Summary", top + 1, 0, last, 0],
                    "values": ["Summary", top + 1, 4 + j, last, 4 + j],
                    "fill": {"color": colour},
                    "pattern": None,
                }
            )
        chart.set_title({"name": "Actions by status, per complaint"})
        chart.set_y_axis({"name": "Actions", "major_gridlines": {"visible": True}})
        chart.set_legend({"position": "right"})
        summary.insert_chart(last + 2, 0, chart, {"x_scale": 1.6, "y_scale": 1.3})
    for c in report.complaints:
        _complaint_sheet(book, f, c, _sheet_name(c.complaint.reference, taken), report.produced_on)
    book.close()
    return buffer.getvalue()


class _Formats:
    def __init__(self, book: Any) -> None:
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.header = book.add_format(
            {"bold": True, "bg_color": "#f3f2f1", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.bold = book.add_format({"bold": True, "valign": "top"})
        self.date = book.add_format({"num_format": "d mmm yyyy", "valign": "top"})
        self.rag = {
            rag: book.add_format(
                {
                    "bg_color": colour,
                    "font_color": "#0b0c0c" if rag in (rules.AMBER, rules.NOT_RATED) else "#ffffff",
                    "bold": True,
                    "valign": "top",
                }
            )
            for rag, colour in RAG_COLOURS.items()
        }


def _complaint_sheet(book: Any, f: _Formats, c: ComplaintReport, name: str, today: dt.date) -> None:
    sheet = book.add_worksheet(name)
    complaint = c.complaint
    sheet.write_string(0, 0, spreadsheet_cell(f"{complaint.reference}: {complaint.title}"), f.title)
    facts = [
        ("Ombudsman", complaint.ombudsman),
        ("Date of decision", long_date(complaint.decision_on, missing="Not given")),
        ("Source plan's council", complaint.council_named_in_source or "This council"),
        ("Actions", f"{c.progress.complete} of {c.progress.total} complete; {c.progress.overdue} overdue"),
    ]
    for i, (label, value) in enumerate(facts, start=1):
        sheet.write_string(i, 0, label, f.bold)
        sheet.write_string(i, 1, spreadsheet_cell(value))
    top = len(facts) + 2
    headers = [
        "No.",
        "What will happen",
        "Owner",
        "Responsible in Roll Call",
        "Due",
        "Time frame as written",
        "Status",
        "RAG rating",
        "Overdue",
        "Latest update",
        "Date of latest update",
        "Delivered by",
        "Status as written",
        "Risk rating as written",
    ]
    for col, header in enumerate(headers):
        sheet.write_string(top, col, header, f.header)
    for i, a in enumerate(c.actions, start=1):
        row = top + i
        sheet.write_number(row, 0, a.number, f.wrap)
        sheet.write_string(row, 1, spreadsheet_cell(a.description), f.wrap)
        sheet.write_string(row, 2, spreadsheet_cell(a.owner_title), f.wrap)
        sheet.write_string(row, 3, spreadsheet_cell(a.responsible), f.wrap)
        if a.due_on:
            sheet.write_datetime(row, 4, dt.datetime(a.due_on.year, a.due_on.month, a.due_on.day), f.date)  # noqa: DTZ001
        else:
            sheet.write_string(row, 4, "No date given", f.wrap)
        sheet.write_string(row, 5, spreadsheet_cell(a.time_frame_as_written), f.wrap)
        sheet.write_string(row, 6, a.status_label, f.wrap)
        sheet.write_string(row, 7, a.rag_label, f.rag[a.rag])
        sheet.write_string(row, 8, "Yes" if a.overdue else "No", f.wrap)
        sheet.write_string(row, 9, spreadsheet_cell(a.latest_update or a.latest_update_missing), f.wrap)
        sheet.write_string(row, 10, a.latest_update_date, f.wrap)
        sheet.write_string(row, 11, spreadsheet_cell(a.delivered_by), f.wrap)
        sheet.write_string(row, 12, spreadsheet_cell(a.status_as_written), f.wrap)
        sheet.write_string(row, 13, spreadsheet_cell(a.risk_rating_as_written), f.wrap)
    for col, width in enumerate([5, 50, 22, 18, 12, 18, 12, 10, 9, 50, 18, 30, 18, 14]):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(top + 1, 2)
    # Progress at each quarter end: the figures behind the PDF's chart.
    start = top + len(c.actions) + 3
    sheet.write_string(start - 1, 0, "Progress at each quarter end", f.bold)
    sheet.write_string(start, 0, "Quarter", f.header)
    for j, status in enumerate(STATUS_COLUMNS):
        sheet.write_string(start, 1 + j, STATUS_LABELS[status], f.header)
    for i, point in enumerate(c.quarters, start=1):
        sheet.write_string(start + i, 0, point.label)
        for j, status in enumerate(STATUS_COLUMNS):
            sheet.write_number(start + i, 1 + j, point.by_status[status])
