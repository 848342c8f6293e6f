"""When a policy is circulated again, when it is due for review, and when acknowledgements fall due.

Source: the council's action plan after Local Government and Social Care Ombudsman decision
22 014 644 (seed 000): staff "were not aware of the policy", so it must be "circulated
biannually" (sent on 03.08.23, "will need to be sent again by February 2024"), and schools must be
"regularly reminded ... of the next steps to take when a child is unable to attend school for 15+
days". Every date here is a calendar date: circulation, review and acknowledgement are office
deadlines, not school-day counts.

Pure: no Django import.
"""

from __future__ import annotations

import calendar
import datetime as dt
from enum import StrEnum

DEFAULT_RECUR_MONTHS = 6  # "circulated biannually"
DEFAULT_ACKNOWLEDGE_DAYS = 14
DEFAULT_REVIEW_SOON_DAYS = 30
DEFAULT_REMINDER_DAYS_BEFORE = (7, 0)  # a week before the deadline, and on the day


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clamped to the month's last day (31 Aug + 6 = 28/29 Feb)."""
    if months < 0:
        raise ValueError("months must not be negative")
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def next_circulation_date(last_sent: dt.date, every_months: int = DEFAULT_RECUR_MONTHS) -> dt.date | None:
    """The date the next circulation is due after one sent on ``last_sent``; None for a one-off (0)."""
    if every_months < 0:
        raise ValueError("every_months must not be negative")
    if every_months == 0:
        return None
    return add_months(last_sent, every_months)


def circulation_due(last_sent: dt.date, every_months: int, today: dt.date) -> bool:
    """True when a recurring circulation's next date has come (on or before ``today``)."""
    due = next_circulation_date(last_sent, every_months)
    return due is not None and due <= today


class ReviewState(StrEnum):
    CURRENT = "current"
    REVIEW_SOON = "review_soon"
    DUE_FOR_REVIEW = "due_for_review"


def review_state(
    review_date: dt.date | None, today: dt.date, soon_days: int = DEFAULT_REVIEW_SOON_DAYS
) -> ReviewState:
    """A policy is due for review on or after its review date, and "review soon" within ``soon_days``."""
    if review_date is None:
        return ReviewState.CURRENT
    if review_date <= today:
        return ReviewState.DUE_FOR_REVIEW
    if (review_date - today).days <= soon_days:
        return ReviewState.REVIEW_SOON
    return ReviewState.CURRENT


def acknowledge_by(sent_on: dt.date, days: int = DEFAULT_ACKNOWLEDGE_DAYS) -> dt.date:
    """The acknowledgement deadline: ``days`` calendar days after the campaign was sent."""
    if days < 0:
        raise ValueError("days must not be negative")
    return sent_on + dt.timedelta(days=days)


def reminder_dates(
    sent_on: dt.date,
    deadline: dt.date,
    days_before: tuple[int, ...] = DEFAULT_REMINDER_DAYS_BEFORE,
) -> list[dt.date]:
    """The dates to remind people who have not acknowledged: ``days_before`` the deadline each.

    A reminder that would fall on or before the day the campaign was sent is dropped (the
    campaign's own message has just gone), so a short deadline has fewer reminders. Sorted, no
    duplicates.
    """
    dates = {deadline - dt.timedelta(days=n) for n in days_before if n >= 0}
    return sorted(d for d in dates if d > sent_on)


def reminder_due(sent_on: dt.date, deadline: dt.date, today: dt.date) -> dt.date | None:
    """The latest reminder date on or before ``today`` (the one a sweep run today sends), if any.

    Reminders stop after the deadline day has passed: outstanding people then show on the campaign
    page for the owner to chase.
    """
    if today > deadline:
        return None
    past = [d for d in reminder_dates(sent_on, deadline) if d <= today]
    return past[-1] if past else None
