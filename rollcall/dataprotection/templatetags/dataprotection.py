"""Template helpers for the subject access PDF."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def zip_header(row: list[str], header: list[str]) -> list[tuple[str, str]]:
    """Pair a row's cells with the column names, for a record shown as a two-column table."""
    return list(zip(header, row, strict=True))
