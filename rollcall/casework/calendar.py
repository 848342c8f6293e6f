"""The council's school-day calendar, built from its term dates and closure days."""

from __future__ import annotations

from rollcall.rules.calendar import SchoolCalendar, Term, calendar_for
from rollcall.schools.models import ClosureDay, TermDate


def council_calendar() -> SchoolCalendar:
    """The calendar every deadline is counted on: two small queries, no per-case work.

    Built afresh for each request or sweep run so a change of term dates takes effect at once
    in every process (web and workers alike).
    """
    terms = [Term(start=s, end=e) for s, e in TermDate.objects.values_list("start", "end")]
    closures = ClosureDay.objects.values_list("date", flat=True)
    return calendar_for(terms, closures)
