"""The children-not-in-school register: part-time arrangements and the duties to inform.

Sources (DOMAIN.md, "Children not in school register"; CWS Act 2026 s.38, new Education Act 1996
ss.436B-436G, not yet in force):

- s.436B(b): a child registered at a school whose proprietor has arranged or agreed education
  elsewhere, absent for some or all of the normal school time (flexi-schooling, part-time
  timetables, off-site alternative provision), is on the register. A school week has **10
  sessions** (a morning and an afternoon a day): an arrangement takes 1 to 10 of them.
- s.436D: parents give the register information when the council asks, and report changes. The
  response period is **15 days** in the 2022 Bill *(to confirm in the enacted text)*.
- s.436E: out-of-school providers answer the council's requests about a child *(period to
  confirm; 15 days in the Bill)*.
- s.436C/D: the council may ask about providers **no more often than every 3 months**
  *(Lords amendment, to confirm)*.

Periods are calendar days "beginning with the day" the request is made (the request day is day
1), as s.437(2) counts them, until the enacted text says otherwise. Every period is a parameter
whose default is the value above; the Django side passes the council's settings. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rollcall.rules.home_education import add_months

__all__ = [
    "DEFAULT_INFORMATION_TIMESCALES",
    "SESSIONS_PER_WEEK",
    "InformationTimescales",
    "arrangement_in_force",
    "arrangement_problems",
    "next_provider_request_allowed",
    "request_due",
    "request_reminder_on",
    "request_state",
]

SESSIONS_PER_WEEK = 10


def arrangement_problems(
    starts_on: date | None, ends_on: date | None, sessions: int | None
) -> dict[str, str]:
    """What is wrong with a part-time arrangement's dates and sessions, by field (empty if nothing)."""
    problems: dict[str, str] = {}
    if sessions is None or not 1 <= sessions <= SESSIONS_PER_WEEK:
        problems["sessions_elsewhere"] = (
            f"Sessions a week educated elsewhere must be between 1 and {SESSIONS_PER_WEEK}"
        )
    if starts_on is None:
        problems["starts_on"] = "Enter the date the arrangement starts"
    elif ends_on is not None and ends_on < starts_on:
        problems["ends_on"] = "The end date must be the same as or after the start date"
    return problems


def arrangement_in_force(starts_on: date, ends_on: date | None, today: date) -> bool:
    """Say whether an arrangement from ``starts_on`` to ``ends_on`` (inclusive; None: open-ended)
    puts the child on the register on ``today``."""
    return starts_on <= today and (ends_on is None or today <= ends_on)


@dataclass(frozen=True)
class InformationTimescales:
    """A council's periods for the duties to inform (calendar days, the request day is day 1)."""

    parent_days: int = 15
    provider_days: int = 15
    reminder_days: int = 5
    provider_interval_months: int = 3

    def __post_init__(self) -> None:
        for name in ("parent_days", "provider_days"):
            if getattr(self, name) < 1:
                msg = f"A response period must be at least 1 day; got {getattr(self, name)} for {name}"
                raise ValueError(msg)
        if self.reminder_days < 0:
            msg = f"The reminder cannot come after the due date; got {self.reminder_days} days before"
            raise ValueError(msg)
        if not 0 <= self.provider_interval_months <= 12:
            msg = f"The interval between provider requests must be 0 to 12 months; got {self.provider_interval_months}"
            raise ValueError(msg)


DEFAULT_INFORMATION_TIMESCALES = InformationTimescales()


def request_due(
    sent_on: date, *, to_provider: bool, t: InformationTimescales = DEFAULT_INFORMATION_TIMESCALES
) -> date:
    """The last day of the period a parent (s.436D) or a provider (s.436E) has to answer a request
    sent on ``sent_on``: ``days`` calendar days beginning with the day it was sent, weekends,
    holidays and bank holidays included (a request sent on 1 March with 15 days is due 15 March)."""
    days = t.provider_days if to_provider else t.parent_days
    return sent_on + timedelta(days=days - 1)


def request_reminder_on(due_on: date, t: InformationTimescales = DEFAULT_INFORMATION_TIMESCALES) -> date:
    """The day the officer is reminded of an unanswered request: ``reminder_days`` before it is due."""
    return due_on - timedelta(days=t.reminder_days)


def request_state(due_on: date, answered_on: date | None, today: date, t: InformationTimescales) -> str:
    """Where a request stands on ``today``: answered, overdue (the day after its due date on),
    reminder (from the reminder day to the due date) or waiting."""
    if answered_on is not None:
        return "answered"
    if today > due_on:
        return "overdue"
    if today >= request_reminder_on(due_on, t):
        return "reminder"
    return "waiting"


def next_provider_request_allowed(
    last_sent_on: date | None, t: InformationTimescales = DEFAULT_INFORMATION_TIMESCALES
) -> date | None:
    """The first day the council may ask about a child's providers again after asking on
    ``last_sent_on`` (no more often than every ``provider_interval_months`` calendar months;
    None when it has never asked)."""
    if last_sent_on is None:
        return None
    return add_months(last_sent_on, t.provider_interval_months)
