"""Timescales for tracking vulnerable in-year applicants, Fair Access and children waiting for a
place. Every timescale is a field of :class:`AdmissionTimescales` whose default is the statutory or
seed value; the Django side passes in the council's AdmissionSettings.

Sources:
- Seed 002 (Leicestershire LGSCO action plan): the school confirms a child is on roll within
  **10 days** of the request (counted here as school days); no answer → the admissions officer
  follows up; not on roll or not attending → referral to Inclusion as a child missing education.
  The second window (default 10 more school days) is Roll Call's.
- School Admissions Code 2021, para 3.9-3.34: a child taken into the Fair Access Protocol is
  allocated a place within **20 school days**; a school asked to admit has **7 calendar days** to
  respond before the council directs (or asks the Secretary of State to).
- Children of compulsory school age waiting for a place: reviewed every 10 school days (Roll
  Call's default; s.19 Education Act 1996 duty arises when a child is without a place).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from rollcall.rules.age import is_compulsory_school_age
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.deadlines import put_on_roll_answer_due

__all__ = [
    "DEFAULT_TIMESCALES",
    "AdmissionTimescales",
    "academic_year_span",
    "answer_due",
    "days_waiting",
    "fair_access_placement_due",
    "month_end",
    "needs_waiting_case",
    "school_response_due",
    "second_window_ends",
    "waiting_review_due",
]


@dataclass(frozen=True)
class AdmissionTimescales:
    """A council's admission timescales (school days unless the name says calendar days)."""

    answer_window_school_days: int = 10
    second_window_school_days: int = 10
    fair_access_school_days: int = 20
    school_response_days: int = 7
    waiting_review_school_days: int = 10

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                msg = f"A timescale cannot be negative: {f.name} = {getattr(self, f.name)}"
                raise ValueError(msg)


DEFAULT_TIMESCALES = AdmissionTimescales()


def answer_due(
    calendar: SchoolCalendar, sent_on: dt.date, t: AdmissionTimescales = DEFAULT_TIMESCALES
) -> dt.date:
    """The date by which a school must confirm a child is on roll (seed 002: 10 school days)."""
    return put_on_roll_answer_due(calendar, sent_on, t.answer_window_school_days)


def second_window_ends(
    calendar: SchoolCalendar, sent_on: dt.date, t: AdmissionTimescales = DEFAULT_TIMESCALES
) -> dt.date:
    """The date after which a child not on roll and attending is referred as CME.

    The second window runs on from the end of the first: answer due + ``second_window_school_days``.
    """
    return calendar.add_school_days(answer_due(calendar, sent_on, t), t.second_window_school_days)


def fair_access_placement_due(
    calendar: SchoolCalendar, taken_in_on: dt.date, t: AdmissionTimescales = DEFAULT_TIMESCALES
) -> dt.date:
    """School Admissions Code 2021, 3.9: a place allocated within 20 school days."""
    return calendar.add_school_days(taken_in_on, t.fair_access_school_days)


def school_response_due(asked_on: dt.date, t: AdmissionTimescales = DEFAULT_TIMESCALES) -> dt.date:
    """School Admissions Code 2021, 3.21-3.22: 7 calendar days to respond before a direction."""
    return asked_on + dt.timedelta(days=t.school_response_days)


def waiting_review_due(
    calendar: SchoolCalendar, from_day: dt.date, t: AdmissionTimescales = DEFAULT_TIMESCALES
) -> dt.date:
    """The next review of a child waiting for a place (default every 10 school days)."""
    return calendar.add_school_days(from_day, t.waiting_review_school_days)


def days_waiting(calendar: SchoolCalendar, since: dt.date, today: dt.date) -> int:
    """School days waited since ``since`` (day 0), never negative."""
    return max(0, calendar.school_days_between(since, today))


def needs_waiting_case(date_of_birth: dt.date, today: dt.date, *, on_roll: bool) -> bool:
    """A child of compulsory school age with no school place is tracked as waiting for a place."""
    return not on_roll and is_compulsory_school_age(date_of_birth, today)


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month: the date a monthly report is "as at" (seed 002: monthly reports)."""
    if not 1 <= month <= 12:
        msg = f"There is no month {month}"
        raise ValueError(msg)
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def academic_year_span(year: int) -> tuple[dt.date, dt.date]:
    """1 September of ``year`` to 31 August of the next: the period of an annual report."""
    return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)
