"""How Roll Call writes things for people: one place, so every page, letter and message agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def long_date(day: dt.date | None, missing: str = "not set") -> str:
    """A date as GOV.UK writes it, "16 November 2026" (no leading zero), or ``missing``."""
    return f"{day.day} {day:%B %Y}" if day else missing


# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets
# when a CSV or XLSX file is opened (OWASP "CSV injection"); tab and carriage return let a
# formula hide behind them.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: T) -> T | str:
    """A value for a CSV or XLSX cell that a spreadsheet will show, never run: text starting
    with a formula character gets a leading apostrophe. Every exporter writes through this."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_row(values: Iterable[object]) -> list[object]:
    """A whole row through ``spreadsheet_cell``."""
    return [spreadsheet_cell(v) for v in values]
