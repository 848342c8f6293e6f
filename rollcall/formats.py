"""How Roll Call writes things for people: one place, so every page, letter and message agree."""

from __future__ import annotations

import datetime as dt


def long_date(day: dt.date | None, missing: str = "not set") -> str:
    """A date as GOV.UK writes it, "16 November 2026" (no leading zero), or ``missing``."""
    return f"{day.day} {day:%B %Y}" if day else missing
