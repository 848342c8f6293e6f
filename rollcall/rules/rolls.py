"""School rolls: what a new snapshot of a school's roll says changed (issue 12).

A school sends its whole roll as it stands on a date (a *snapshot*). Compared with the roll the
council holds for that school (the open roll spells, i.e. the previous snapshot):

- **joiners**: on this roll now and not before;
- **leavers**: on the roll before and not now, either absent from the snapshot or given a leaving
  date on or before the snapshot date (a leaving date is the day the pupil came off the admission
  register, as a deletion return's removal date: the pupil is not on roll that day). A pupil
  absent from the snapshot left at the latest on the snapshot date;
- **unchanged**: on the roll before and now (a leaving date still to come changes nothing yet).

A snapshot dated before the school's latest one is refused: rolls move forward in time, and an
older roll would reopen spells a later one closed.

**Left without notice**: a leaver the school sent no deletion return for (School Attendance (Pupil
Registration) (England) Regulations 2024, reg. 13(4): the return is due no later than the
deletion). The council asks the school for it (DOMAIN.md, "Deletion return").

**Nobody lost between rolls** (CME statutory guidance 2024: the council must have arrangements to
identify children missing education): a child who has been on a roll in the area, is of compulsory
school age (rules/age.py) and is now on no roll must have a known destination (another school,
another council told, elective home education registered, left the country with evidence) or an
open case with an owner and a date.

Pure: no database. Children are any hashable key (the engine uses child ids).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from rollcall.rules.age import is_compulsory_school_age
from rollcall.rules.calendar import SchoolCalendar

__all__ = [
    "DELETION_RETURN_DUE_SCHOOL_DAYS",
    "RollChanges",
    "RollRefused",
    "RollRow",
    "RollStanding",
    "deletion_return_due",
    "left_without_notice",
    "lost_reason",
    "on_roll_at",
    "roll_changes",
    "snapshot_date_check",
]

K = TypeVar("K", bound=Hashable)

# Default for the council setting: school days a school has to send a missing deletion return.
DELETION_RETURN_DUE_SCHOOL_DAYS = 5


class RollRefused(ValueError):
    """A snapshot the council cannot take, with the reason in words a council officer reads."""


@dataclass(frozen=True)
class RollRow:
    """One pupil on a snapshot: the admission date and the leaving date as the school gave them."""

    admission_date: dt.date | None = None
    leaving_date: dt.date | None = None


def on_roll_at(row: RollRow, as_of: dt.date) -> bool:
    """Whether the pupil is on the roll on ``as_of``: no leaving date, or one still to come."""
    return row.leaving_date is None or row.leaving_date > as_of


def snapshot_date_check(*, school: str, as_of: dt.date, latest: dt.date | None) -> None:
    """Refuse a snapshot dated before the school's latest one (the same date may be sent again)."""
    if latest is not None and as_of < latest:
        raise RollRefused(
            f"This roll for {school} is dated {as_of:%-d %B %Y}, before the roll already loaded for "
            f"{latest:%-d %B %Y}. Send a roll dated {latest:%-d %B %Y} or later."
        )


@dataclass(frozen=True)
class RollChanges(Generic[K]):
    """What a snapshot changed: joiners (with the day they joined), leavers (with the day they left),
    and the pupils on both rolls."""

    joiners: Mapping[K, dt.date]
    leavers: Mapping[K, dt.date]
    unchanged: frozenset[K]


def roll_changes(
    *, previous: Mapping[K, dt.date], current: Mapping[K, RollRow], as_of: dt.date
) -> RollChanges[K]:
    """Compare the roll held (``previous``: each child with the day their open spell began) with a
    snapshot dated ``as_of`` (``current``: each pupil's row).

    A joiner joined on their admission date (the snapshot date when none is given or it is after
    the snapshot date). A leaver left on their leaving date, or on the snapshot date when absent;
    never before the day their spell began. A pupil new on this snapshot who has already left is
    neither: they never appear on the roll the council holds.
    """
    now_on = {child: row for child, row in current.items() if on_roll_at(row, as_of)}
    joiners = {
        child: row.admission_date if row.admission_date is not None and row.admission_date <= as_of else as_of
        for child, row in now_on.items()
        if child not in previous
    }
    leavers: dict[K, dt.date] = {}
    for child, since in previous.items():
        if child in now_on:
            continue
        row = current.get(child)
        left = row.leaving_date if row is not None and row.leaving_date is not None else as_of
        leavers[child] = max(left, since)
    unchanged = frozenset(child for child in now_on if child in previous)
    return RollChanges(joiners=joiners, leavers=leavers, unchanged=unchanged)


def left_without_notice(*, leavers: Mapping[K, dt.date], noticed: Collection[K]) -> frozenset[K]:
    """The leavers the school sent no deletion return for (``noticed``: children with a removal
    notice from that school for this spell)."""
    return frozenset(child for child in leavers if child not in noticed)


def deletion_return_due(calendar: SchoolCalendar, found_on: dt.date, school_days: int) -> dt.date:
    """When the school's missing deletion return is due: ``school_days`` school days after the day
    the roll showed the pupil gone (day 0; a day in a holiday counts from the next school day)."""
    return calendar.add_school_days(found_on, school_days)


@dataclass(frozen=True)
class RollStanding:
    """What the council holds about one child, for the "nobody lost between rolls" check."""

    date_of_birth: dt.date
    was_on_roll_in_area: bool
    on_roll_now: bool
    destination_known: bool = False
    open_case_owned_and_dated: bool = False


def lost_reason(standing: RollStanding, on: dt.date) -> str | None:
    """Why the child counts as lost between rolls on ``on``, or None when they are not.

    Lost: has been on a roll in the area, of compulsory school age on ``on``, on no roll now, with
    no known destination and no open case with an owner and a date.
    """
    if not standing.was_on_roll_in_area or standing.on_roll_now:
        return None
    if not is_compulsory_school_age(standing.date_of_birth, on):
        return None
    if standing.destination_known or standing.open_case_owned_and_dated:
        return None
    return "On no school roll, of compulsory school age, with no known destination and no open case"
