"""How a figure is written on a report page and in its PDF (the same filter for both)."""

from __future__ import annotations

import datetime as dt

from django import template

from rollcall.formats import long_date

register = template.Library()


@register.filter
def figure(value: object) -> str:
    """A date as "16 November 2026", a whole number with thousands separators, anything else as
    text (a withheld count stays "<5" or "[c]"); nothing for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)
