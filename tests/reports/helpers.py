"""Reading a report back out of its page, its XLSX and its CSV, to compare them figure by figure."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html.parser import HTMLParser
from typing import Any

from openpyxl import load_workbook

from rollcall.reports.templatetags.report_figures import figure


class _ReportParser(HTMLParser):
    """Collects the headline figures (data-figure) and the tables (data-table) of a report page."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self._figure: str | None = None
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        figure_slug, table_slug = attributes.get("data-figure"), attributes.get("data-table")
        if tag == "span" and figure_slug:
            self._figure = figure_slug
            self.figures[figure_slug] = ""
        elif tag == "table" and table_slug:
            self._table = table_slug
            self.tables[table_slug] = []
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._figure:
            self._figure = None
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._figure:
            self.figures[self._figure] += data.strip()
        elif self._cell is not None and not self._in_caption:
            self._cell.append(data)


def read_page(html: str) -> tuple[dict[str, str], dict[str, list[list[str]]]]:
    """(headline figures by slug, tables by slug as rows of cell text, header row first)."""
    parser = _ReportParser()
    parser.feed(html)
    return parser.figures, parser.tables


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return figure(value)


def read_xlsx(content: bytes) -> tuple[list[tuple[str, str]], dict[str, list[list[str]]]]:
    """(headline (label, value) pairs from the Summary sheet, tables by caption), each value
    written as the page writes it."""
    book = load_workbook(io.BytesIO(content))
    summary = book["Summary"]
    headlines = []
    for label, value in summary.iter_rows(min_row=6, max_col=2, values_only=True):
        if label is None:
            break
        headlines.append((str(label), _shown(value)))
    tables: dict[str, list[list[str]]] = {}
    for sheet in book.worksheets[1:]:
        caption = str(sheet.cell(1, 1).value)
        rows = []
        for values in sheet.iter_rows(min_row=2, values_only=True):
            if all(v is None for v in values):
                break
            rows.append([_shown(v) for v in values])
        tables[caption] = rows
    return headlines, tables


def read_csv(content: bytes) -> list[list[str]]:
    """CSV rows, each value written as the page writes it (numbers with separators, long dates)."""
    rows = []
    for row in csv.reader(io.StringIO(content.decode("utf-8"))):
        shown = []
        for value in row:
            if value.isdigit():
                shown.append(figure(int(value)))
            else:
                try:
                    shown.append(figure(dt.date.fromisoformat(value)))
                except ValueError:
                    shown.append(value)
        rows.append(shown)
    return rows
