"""The action-plan tracker's rules as plain functions: no Django, no database.

Plain values in, plain values out, tested at their boundaries like every rule in this package.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

# The statuses an action can have. "not_stated" exists only for plans transcribed from a source
# document that gives no status for an action (seed 000 gives none): a person choosing a status
# in Roll Call picks one of the other three.
NOT_STATED = "not_stated"
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"
STATUS_ORDER: tuple[str, ...] = (COMPLETE, IN_PROGRESS, NOT_STARTED, NOT_STATED)

# Risk ratings (RAG); "" is "not rated" (a transcribed plan whose colours did not survive).
RED = "red"
AMBER = "amber"
GREEN = "green"
NOT_RATED = ""
RAG_ORDER: tuple[str, ...] = (RED, AMBER, GREEN, NOT_RATED)


class _Calendar(Protocol):
    def add_school_days(self, start: dt.date, n: int) -> dt.date: ...


def is_overdue(*, due_on: dt.date | None, status: str, today: dt.date) -> bool:
    """An action is overdue from the day after its due date until it is complete.

    An action with no due date (a source plan that says "immediately" or "ongoing") is never
    overdue: the committee sees it in the plan, not in the overdue list.
    """
    return due_on is not None and due_on < today and status != COMPLETE


def escalation_day(*, due_on: dt.date, after_school_days: int, calendar: _Calendar) -> dt.date:
    """The day an overdue action goes to the heads of service: ``after_school_days`` school days
    after its due date (the due date itself is day 0)."""
    return calendar.add_school_days(due_on, after_school_days)


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter (January to March is quarter 1), as councils report to committees."""

    year: int
    number: int

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """Short and unambiguous in a chart axis: "Q3 2026" (July to September)."""
        return f"Q{self.number} {self.year}"

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)


def quarters_between(first: dt.date, last: dt.date, *, limit: int = 8) -> list[Quarter]:
    """The quarters from the one containing ``first`` to the one containing ``last``, oldest
    first, keeping only the latest ``limit`` (a committee reads two years at most on one chart)."""
    if last < first:
        return []
    quarters = [Quarter.of(first)]
    end = Quarter.of(last)
    while quarters[-1] < end:
        quarters.append(quarters[-1].next())
    return quarters[-limit:]


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month: how a time frame written as a month ("Aug-20") becomes a date."""
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)
