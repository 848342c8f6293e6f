"""A report document written out: XLSX (a sheet per table, native charts over the same cells),
CSV (one table), PDF (WeasyPrint from the page's own template, A4, "Page X of Y").

Nothing here computes a figure: every number comes from the ReportDocument the page shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import xlsxwriter
from django.http import HttpResponse

from rollcall.formats import spreadsheet_cell
from rollcall.reports.documents import ReportDocument, Table, Value

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_SHEET = "Summary"


def _plain(value: Value) -> str | int | float:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def csv_bytes(table: Table) -> bytes:
    """The table as CSV: the header row, the rows, and the total row if there is one."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    for row in table.all_rows:
        writer.writerow([spreadsheet_cell(_plain(v)) for v in row])
    return buffer.getvalue().encode("utf-8")


def sheet_name(table: Table, taken: set[str]) -> str:
    """A worksheet name from the table's caption: at most 31 characters, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "", table.caption)[:31].strip() or table.slug[:31]
    name, n = base, 2
    while name.lower() in taken or name.lower() == SUMMARY_SHEET.lower():
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def xlsx_bytes(doc: ReportDocument) -> bytes:
    """The document as a workbook: a summary sheet (headline figures and notes), then one sheet
    per table, each chart drawn natively by Excel from its table's cells."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    # A fixed creation date keeps the file the same for the same figures.
    book.set_properties({"title": f"{doc.title}: {doc.period_label}", "created": dt.datetime(2000, 1, 1)})  # noqa: DTZ001
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    dates = book.add_format({"num_format": "d mmmm yyyy"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    summary = book.add_worksheet(SUMMARY_SHEET)
    summary.write_string(0, 0, spreadsheet_cell(doc.title), title)
    summary.write_string(1, 0, spreadsheet_cell(doc.period_label))
    summary.write_string(2, 0, f"As at {doc.as_at_text}")
    summary.write_string(4, 0, "Figure", bold)
    summary.write_string(4, 1, "Value", bold)
    row = 5
    for headline in doc.headlines:
        summary.write_string(row, 0, spreadsheet_cell(headline.label))
        _write(summary, row, 1, headline.value, dates)
        row += 1
    row += 1
    if doc.notes:
        summary.write_string(row, 0, "Notes", bold)
        row += 1
        for note in doc.notes:
            summary.write_string(row, 0, spreadsheet_cell(note), wrap)
            row += 1
    summary.set_column(0, 0, 70)
    summary.set_column(1, 1, 18)

    taken: set[str] = set()
    names: dict[str, str] = {}
    for table in doc.tables:
        name = names[table.slug] = sheet_name(table, taken)
        sheet = book.add_worksheet(name)
        sheet.write_string(0, 0, spreadsheet_cell(table.caption), title)
        for col, header in enumerate(table.headers):
            sheet.write_string(1, col, spreadsheet_cell(header), bold)
        for r, values in enumerate(table.all_rows, start=2):
            for col, value in enumerate(values):
                _write(sheet, r, col, value, dates, bold if (table.total and values is table.total) else None)
        if table.note:
            sheet.write_string(len(table.all_rows) + 3, 0, spreadsheet_cell(table.note))
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, max(len(table.headers) - 1, 1), 16)
        sheet.freeze_panes(2, 1)

    for chart in doc.charts:
        table = doc.table(chart.table)
        if not table.rows:
            continue
        sheet = book.get_worksheet_by_name(names[table.slug])
        native = book.add_chart({"type": {"bar": "bar", "column": "column", "line": "line"}[chart.kind]})
        first, last = 2, 1 + len(table.rows)
        for column in chart.columns:
            native.add_series(
                {
                    "name": [names[table.slug], 1, column],
                    "categories": [names[table.slug], first, 0, last, 0],
                    "values": [names[table.slug], first, column, last, column],
                    "marker": {"type": "automatic"} if chart.kind == "line" else {"type": "none"},
                }
            )
        native.set_title({"name": chart.title})
        native.set_legend({"position": "bottom" if len(chart.columns) > 1 else "none"})
        if chart.kind == "bar":
            native.set_y_axis({"reverse": True})
        sheet.insert_chart(len(table.all_rows) + 5, 0, native, {"x_scale": 1.6, "y_scale": 1.3})
    book.close()
    return buffer.getvalue()


def _write(sheet: Any, row: int, col: int, value: Value, dates: Any, style: Any = None) -> None:
    if isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), dates)  # noqa: DTZ001
    elif value is None:
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "Yes" if value else "No", style)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, style)
    else:
        sheet.write_string(row, col, spreadsheet_cell(str(value)), style)


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
