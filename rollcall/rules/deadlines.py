"""Deadlines counted in school days.

Each function takes the council's calendar and the day of the trigger (day 0, DOMAIN.md "school
day") and returns the date by which the work is due. Every timescale is a parameter whose default
is the value in DOMAIN.md; the Django side passes in the council's settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rollcall.rules.calendar import SchoolCalendar

__all__ = [
    "DEFAULT_CME_TIMESCALES",
    "CMETimescales",
    "enquiries_due",
    "first_enquiry_due",
    "new_pupil_return_due",
    "put_on_roll_answer_due",
]


@dataclass(frozen=True)
class CMETimescales:
    """A council's timescales for children missing education enquiries, in school days.

    Defaults from DOMAIN.md (seed 002 and common council protocols): the first enquiry within
    1 school day of a referral, reasonable enquiries complete within 20 school days.
    """

    first_enquiry_school_days: int = 1
    enquiries_complete_school_days: int = 20

    def __post_init__(self) -> None:
        if self.first_enquiry_school_days < 0 or self.enquiries_complete_school_days < 0:
            msg = "CME timescales cannot be negative"
            raise ValueError(msg)
        if self.first_enquiry_school_days > self.enquiries_complete_school_days:
            msg = (
                f"The first enquiry ({self.first_enquiry_school_days} school days) cannot be due "
                f"after enquiries are complete ({self.enquiries_complete_school_days})"
            )
            raise ValueError(msg)


DEFAULT_CME_TIMESCALES = CMETimescales()


def _check_days(school_days: int) -> None:
    if school_days < 0:
        msg = f"A timescale cannot be negative; got {school_days} school days"
        raise ValueError(msg)


def first_enquiry_due(
    calendar: SchoolCalendar, referred_on: date, t: CMETimescales = DEFAULT_CME_TIMESCALES
) -> date:
    """Return the date the first enquiry on a CME referral is due.

    DfE *Children missing education* (2024) requires "reasonable enquiries" without a number; the
    1 school day default is Roll Call's (seed 002).
    """
    return calendar.add_school_days(referred_on, t.first_enquiry_school_days)


def enquiries_due(
    calendar: SchoolCalendar, referred_on: date, t: CMETimescales = DEFAULT_CME_TIMESCALES
) -> date:
    """Return the date a CME case's reasonable enquiries should be complete (default 20 school days).

    DfE *Children missing education* (2024), reasonable enquiries; the 20 school day default is
    from seed 002 and common council protocols.
    """
    return calendar.add_school_days(referred_on, t.enquiries_complete_school_days)


def put_on_roll_answer_due(calendar: SchoolCalendar, requested_on: date, school_days: int = 10) -> date:
    """Return the date a school must confirm a child offered a place is on roll.

    Seed 002 (Leicestershire): the school confirms within 10 school days of the council's request;
    no answer leads to a follow-up and then a CME referral (DOMAIN-SOURCES.md §11 rule 23).
    """
    _check_days(school_days)
    return calendar.add_school_days(requested_on, school_days)


def new_pupil_return_due(calendar: SchoolCalendar, entered_on: date, school_days: int = 5) -> date:
    """Return the date a school's new pupil return is due after entering a pupil on its register.

    Pupil Registration Regulations 2024, reg. 13(1)-(3): "by the end of the fifth day after the day
    when the name ... is entered". Counted here as 5 school days (to confirm: the regulation says
    "day", which may mean calendar days; the count is a setting). The September reception intake
    is exempt unless the council asks (reg. 13(3)); the caller decides that.
    """
    _check_days(school_days)
    return calendar.add_school_days(entered_on, school_days)
