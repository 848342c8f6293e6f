"""Returns completeness: each statutory return a school owes, and whether it came in time.

DOMAIN.md ("Deletion return", "New pupil return", "Attendance return", "Sickness return"):

- **New pupil return** (reg. 13(1)-(3)): by the end of the 5th day after the pupil was entered on
  the register (counted in school days, the trigger day being day 0: see rules/deadlines.py). The
  September reception intake is excepted unless the council asks: such a pupil owes nothing.
- **Deletion return** (reg. 13(4)-(6)): no later than the deletion, i.e. on or before the leaving
  date at the latest.
- **Attendance return**: pupils absent 10 continuous school days with unauthorised codes (G, N, O,
  U), reported "at least monthly". The regulation sets no number of days after the 10th; the council
  sets one (``ATTENDANCE_RETURN_SCHOOL_DAYS``, default 20 school days, about a month: to confirm).
- **Sickness return**: pupils coded I whom the school expects to miss 15+ school days; one per
  period. Due the same number of school days after the 15th day (default 20: to confirm).

A return is *received on time* when it arrived on or before its due date, *received late* when
after, *missing* when nothing arrived and the due date has passed (the due day itself still counts
as in time), and *not yet due* otherwise. Pure: no database.
"""

from __future__ import annotations

import datetime as dt
import enum

from rollcall.rules.calendar import SchoolCalendar

__all__ = [
    "ATTENDANCE_RETURN_SCHOOL_DAYS",
    "NEW_PUPIL_RETURN_SCHOOL_DAYS",
    "SICKNESS_RETURN_SCHOOL_DAYS",
    "ReturnStanding",
    "attendance_return_due",
    "classify",
    "deletion_return_due",
    "is_september_reception_intake",
    "new_pupil_return_due",
    "sickness_return_due",
]

NEW_PUPIL_RETURN_SCHOOL_DAYS = 5
# To confirm with the council: DOMAIN.md says only "at least monthly" (about 20 school days).
ATTENDANCE_RETURN_SCHOOL_DAYS = 20
SICKNESS_RETURN_SCHOOL_DAYS = 20


class ReturnStanding(enum.StrEnum):
    """Where one owed return stands on a date."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    NOT_YET_DUE = "not_yet_due"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ReturnStanding.ON_TIME: "Received on time",
    ReturnStanding.LATE: "Received late",
    ReturnStanding.MISSING: "Missing",
    ReturnStanding.NOT_YET_DUE: "Not yet due",
}


def _check_days(school_days: int) -> None:
    if school_days < 0:
        msg = f"A timescale cannot be negative; got {school_days} school days"
        raise ValueError(msg)


def is_september_reception_intake(entered_on: dt.date, date_of_birth: dt.date | None) -> bool:
    """A pupil entered in September into the reception year (aged 4 on 31 August before)."""
    if entered_on.month != 9 or date_of_birth is None:
        return False
    last_august = dt.date(entered_on.year, 8, 31)
    age = (
        last_august.year
        - date_of_birth.year
        - ((last_august.month, last_august.day) < (date_of_birth.month, date_of_birth.day))
    )
    return age == 4


def new_pupil_return_due(
    calendar: SchoolCalendar,
    entered_on: dt.date,
    *,
    date_of_birth: dt.date | None = None,
    council_asks_for_reception: bool = False,
    school_days: int = NEW_PUPIL_RETURN_SCHOOL_DAYS,
) -> dt.date | None:
    """When the new pupil return is due: the end of the 5th school day after entry; None when the
    pupil is in the September reception intake and the council has not asked for those."""
    _check_days(school_days)
    if not council_asks_for_reception and is_september_reception_intake(entered_on, date_of_birth):
        return None
    return calendar.add_school_days(entered_on, school_days)


def deletion_return_due(left_on: dt.date) -> dt.date:
    """The deletion return is due no later than the deletion (the leaving date)."""
    return left_on


def attendance_return_due(
    calendar: SchoolCalendar, tenth_day: dt.date, school_days: int = ATTENDANCE_RETURN_SCHOOL_DAYS
) -> dt.date:
    """Due ``school_days`` school days after the 10th continuous day of unauthorised absence."""
    _check_days(school_days)
    return calendar.add_school_days(tenth_day, school_days)


def sickness_return_due(
    calendar: SchoolCalendar, fifteenth_day: dt.date, school_days: int = SICKNESS_RETURN_SCHOOL_DAYS
) -> dt.date:
    """Due ``school_days`` school days after the 15th school day coded I in the period."""
    _check_days(school_days)
    return calendar.add_school_days(fifteenth_day, school_days)


def classify(*, due: dt.date, received_on: dt.date | None, today: dt.date) -> ReturnStanding:
    """Where a return due on ``due`` stands on ``today`` given the day it arrived (None if not)."""
    if received_on is not None:
        return ReturnStanding.ON_TIME if received_on <= due else ReturnStanding.LATE
    return ReturnStanding.MISSING if today > due else ReturnStanding.NOT_YET_DUE
