"""The escalation ladder for overdue work on a case.

Source: DOMAIN.md, "Children missing education", default Roll Call timescales (seed 002 and common
council protocols; council settings): escalate to the team manager when a task is 5 school days
overdue, to the head of service at 10, and into the exceptions report at 20.

:func:`next_escalation_date` lets the database store the date a case next climbs the ladder as an
indexed column, so the sweep only asks "which escalations are due today?".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from rollcall.rules.calendar import SchoolCalendar

__all__ = ["Ladder", "Level", "level_for", "next_escalation_date", "overdue_school_days"]


class Level(enum.IntEnum):
    """How far up the ladder an overdue task has climbed."""

    OFFICER = 0
    MANAGER = 1
    HEAD_OF_SERVICE = 2
    EXCEPTIONS = 3

    @property
    def label(self) -> str:
        """The level's name as an officer reads it."""
        return _LEVEL_LABELS[self]


_LEVEL_LABELS = {
    Level.OFFICER: "Officer",
    Level.MANAGER: "Team manager",
    Level.HEAD_OF_SERVICE: "Head of service",
    Level.EXCEPTIONS: "Exceptions report",
}


@dataclass(frozen=True)
class Ladder:
    """School days overdue at which a task reaches each level (council settings)."""

    manager_after: int = 5
    head_after: int = 10
    exceptions_after: int = 20

    def __post_init__(self) -> None:
        if not 1 <= self.manager_after < self.head_after < self.exceptions_after:
            msg = (
                "Escalation thresholds must increase from at least 1 school day: manager "
                f"{self.manager_after}, head of service {self.head_after}, exceptions "
                f"{self.exceptions_after}"
            )
            raise ValueError(msg)

    def threshold(self, level: Level) -> int:
        """Return the school days overdue at which a task reaches ``level`` (0 for OFFICER)."""
        return {
            Level.OFFICER: 0,
            Level.MANAGER: self.manager_after,
            Level.HEAD_OF_SERVICE: self.head_after,
            Level.EXCEPTIONS: self.exceptions_after,
        }[level]


def level_for(ladder: Ladder, school_days_overdue: int) -> Level:
    """Return the level a task has reached when it is ``school_days_overdue`` school days overdue.

    A task reaches a level on the day it is exactly that many school days overdue: 5 days overdue
    is the team manager's with the default ladder.
    """
    if school_days_overdue >= ladder.exceptions_after:
        return Level.EXCEPTIONS
    if school_days_overdue >= ladder.head_after:
        return Level.HEAD_OF_SERVICE
    if school_days_overdue >= ladder.manager_after:
        return Level.MANAGER
    return Level.OFFICER


def overdue_school_days(calendar: SchoolCalendar, due: date, today: date) -> int:
    """Count how many school days a task due on ``due`` is overdue on ``today``.

    A task due today is not overdue (0); a task due on the previous school day is 1 day overdue.
    School days are counted after the due date up to and including today, so a task due on a
    Friday is still 0 days overdue that weekend, and 1 on the Monday if it is a school day.
    """
    if today <= due:
        return 0
    return calendar.school_days_between(due, today)


def next_escalation_date(calendar: SchoolCalendar, ladder: Ladder, due: date, current: Level) -> date | None:
    """Return the date a task due on ``due`` reaches the level above ``current``.

    None when ``current`` is already the top of the ladder (the exceptions report). The date is a
    school day, and on it :func:`overdue_school_days` equals the next level's threshold.
    """
    if current is Level.EXCEPTIONS:
        return None
    return calendar.add_school_days(due, ladder.threshold(Level(current + 1)))
