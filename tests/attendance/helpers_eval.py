"""Builders for the evaluation tests: marks strings written day by day, records, and a URLconf.

The marks are the stored characters of rules/attendance.py: ``"/\\\\"`` is present all day,
``"II"`` ill all day, ``"NN"`` absent without a reason, ``".."`` no marks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from rollcall import clock
from rollcall.attendance.models import PupilMarks
from rollcall.casework.calendar import council_calendar
from rollcall.people.models import Child
from rollcall.rules.attendance import blank_marks, session_index
from rollcall.rules.calendar import academic_year_of
from rollcall.schools.models import School

YEAR = 2026
PRESENT = "/\\"


def marks(
    *,
    until: dt.date,
    start: dt.date = dt.date(YEAR, 9, 1),
    fill: str = PRESENT,
    days: Mapping[dt.date, str] | None = None,
) -> str:
    """A year's marks string: ``fill`` (AM and PM) on every school day from ``start`` to ``until``,
    then ``days`` (date -> two characters) on top."""
    year = academic_year_of(until)
    chars = list(blank_marks(year))
    calendar = council_calendar()
    for day in calendar.school_days_in(start, until):
        i = session_index(year, day, pm=False)
        chars[i], chars[i + 1] = fill[0], fill[1]
    for day, pair in (days or {}).items():
        i = session_index(year, day, pm=False)
        chars[i], chars[i + 1] = pair[0], pair[1]
    return "".join(chars)


def school_days(start: dt.date, end: dt.date) -> list[dt.date]:
    return council_calendar().school_days_in(start, end)


def spread(pair: str, on: Iterable[dt.date]) -> dict[dt.date, str]:
    return dict.fromkeys(on, pair)


def record(child: Child, school: School, text: str, year: int = YEAR) -> PupilMarks:
    return PupilMarks.objects.create(
        child=child, school=school, academic_year=year, marks=text, updated_at=clock.now()
    )
