"""Children who cannot attend school because of health needs: counting, and the dates that follow.

Sources:

- DfE, *Arranging education for children who cannot attend school because of health needs*
  (December 2023), and s.19 Education Act 1996: the council should arrange suitable education
  **as soon as it is clear** that a child will miss **15 or more school days**, consecutive or
  cumulative, because of health. There is no statutory deadline; Roll Call alarms at the 15th
  day and gives the provision a start deadline that is a council setting (DOMAIN.md, "Health
  needs"). The default of 5 school days after the case opens is Roll Call's *(to confirm)*.
- Croydon's action plan after LGSCO decision 22 014 644 (seed 000): every such child has a
  **named council contact** who checks in **monthly**. A check-in is with the family, and families
  are available in the holidays too, so check-ins fall in calendar months, not school days.

Pure Python: no Django import.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable
from datetime import date, timedelta

from rollcall.rules.calendar import SchoolCalendar, academic_year_of

__all__ = [
    "CHECKIN_REMINDER_DAYS",
    "PROVISION_START_SCHOOL_DAYS",
    "THRESHOLD_SCHOOL_DAYS",
    "add_one_month",
    "checkin_reminder_from",
    "health_absence_days",
    "next_checkin_due",
    "provision_start_due",
    "reaches_threshold",
    "threshold_day",
    "threshold_day_if_continuous",
]

THRESHOLD_SCHOOL_DAYS = 15
PROVISION_START_SCHOOL_DAYS = 5  # (to confirm) with the council
CHECKIN_REMINDER_DAYS = 5


def _counted(calendar: SchoolCalendar, days_absent: Iterable[date], academic_year: int) -> list[date]:
    """The distinct school days of ``academic_year`` among ``days_absent``, in order."""
    return sorted(
        {d for d in days_absent if academic_year_of(d) == academic_year and calendar.is_school_day(d)}
    )


def health_absence_days(calendar: SchoolCalendar, days_absent: Iterable[date], academic_year: int) -> int:
    """Count the school days of ``academic_year`` the child missed through illness.

    Consecutive or cumulative: every distinct school day counts, whatever the gaps between them.
    Weekends, holidays and closure days never count, and the count starts again each school year
    (1 September). A day listed twice counts once.
    """
    return len(_counted(calendar, days_absent, academic_year))


def reaches_threshold(
    calendar: SchoolCalendar,
    days_absent: Iterable[date],
    academic_year: int,
    threshold: int = THRESHOLD_SCHOOL_DAYS,
) -> bool:
    """True when the child has missed ``threshold`` (default 15) or more school days this year."""
    return health_absence_days(calendar, days_absent, academic_year) >= threshold


def threshold_day(
    calendar: SchoolCalendar,
    days_absent: Iterable[date],
    academic_year: int,
    threshold: int = THRESHOLD_SCHOOL_DAYS,
) -> date | None:
    """The school day on which the ``threshold``-th day of absence was reached, or None."""
    counted = _counted(calendar, days_absent, academic_year)
    return counted[threshold - 1] if len(counted) >= threshold else None


def threshold_day_if_continuous(
    calendar: SchoolCalendar,
    first_day_absent: date,
    days_already: int = 0,
    threshold: int = THRESHOLD_SCHOOL_DAYS,
) -> date:
    """The day the threshold will be reached if the child stays off from ``first_day_absent``.

    ``days_already`` are school days missed earlier in the same school year (cumulative). When the
    school expects a long absence, this is the day by which it is "clear" and provision should be
    arranged; it is ``first_day_absent`` itself (or the next school day) when the threshold is
    already met.
    """
    first = (
        first_day_absent
        if calendar.is_school_day(first_day_absent)
        else calendar.next_school_day(first_day_absent)
    )
    still_to_miss = max(threshold - days_already, 1)
    return calendar.add_school_days(first, still_to_miss - 1)


def provision_start_due(
    calendar: SchoolCalendar, opened_on: date, school_days: int = PROVISION_START_SCHOOL_DAYS
) -> date:
    """The date provision should have started: ``school_days`` after the case opened (day 0)."""
    return calendar.add_school_days(opened_on, school_days)


def add_one_month(day: date) -> date:
    """The same day of the next calendar month, clamped to that month's end (31 Jan → 28/29 Feb)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = _calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def next_checkin_due(last: date | None, opened: date) -> date:
    """The next monthly check-in: one calendar month after the last one, or after the case opened.

    Calendar months, holidays included: the named contact checks in with the family, not the
    school. The month is counted from the last check-in actually made, so a late check-in moves
    the next one on rather than bunching two together.
    """
    return add_one_month(last or opened)


def checkin_reminder_from(due: date, days_before: int = CHECKIN_REMINDER_DAYS) -> date:
    """The first day on which the named contact is reminded of a check-in due on ``due``."""
    return due - timedelta(days=days_before)
