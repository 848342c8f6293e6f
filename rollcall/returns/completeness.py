"""Returns completeness (issue 16): the statutory returns each school owed in a period, and whether
each came on time, late, not at all, or is not yet due (rules/returns_due.py).

- **New pupil return** owed for each roll spell that began in the period (``RollEntry.on_roll_from``),
  the September reception intake excepted. Answered by the school's earliest new pupil return for
  that child received no earlier than ``ADVANCE_DAYS`` before the entry (a school may tell the council
  ahead of the start date); a refused return answers nothing.
- **Deletion return** owed for each roll spell that ended in the period (``RollEntry.on_roll_to``).
  Answered by the school's earliest removal notice for that child with a removal date in the spell.

- **Attendance return** (10 continuous school days coded G, N, O or U) and **sickness return**
  (15 school days coded I): owed for each attendance record whose day the threshold was reached
  falls in the period. They are counted by the attendance app, which holds those days
  (rollcall/attendance/returns_owed.py) and registers its counting here with
  :func:`owed_source_register`: this app cannot import the attendance app, which imports the
  health app, which imports this one (the same pattern as ``claim_kind_register``).

Set-based: a fixed number of queries per kind, whatever the number of pupils; the calendar decides
in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from django.db.models import DateField, ExpressionWrapper, OuterRef, Subquery, Value
from django.db.models.functions import TruncDate

from rollcall.returns.models import SchoolReturn
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.returns_due import (
    ReturnStanding,
    classify,
    deletion_return_due,
    new_pupil_return_due,
)
from rollcall.schools.models import RemovalNotice, RollEntry

ADVANCE_DAYS = 60

NEW_PUPIL = "new_pupil"
DELETION = "deletion"
ATTENDANCE = "attendance"
SICKNESS = "sickness"
KINDS = {
    NEW_PUPIL: "New pupil return",
    DELETION: "Deletion return",
    ATTENDANCE: "Attendance return",
    SICKNESS: "Sickness return",
}
# The reference a school is given: a prefix and the number of what the return is about (the roll
# spell for new pupil and deletion returns, the attendance record for the other two).
PREFIXES = {NEW_PUPIL: "NPR", DELETION: "DEL", ATTENDANCE: "ATT", SICKNESS: "SIC"}
# What happened on the trigger day, for the pages.
EVENTS = {
    NEW_PUPIL: "Joined",
    DELETION: "Left",
    ATTENDANCE: "10th day absent without a reason",
    SICKNESS: "15th day ill",
}


@dataclass(frozen=True)
class OwedReturn:
    """One return a school owed: about which pupil and roll spell, due when, and where it stands."""

    kind: str
    school_id: int
    child_id: int
    entry_id: int  # the roll spell (new pupil, deletion) or the attendance record (attendance, sickness)
    # The day the pupil was entered on, or came off, the register; or reached the 10th continuous
    # day of unexplained absence, or the 15th day of illness.
    trigger: dt.date
    due: dt.date
    received_on: dt.date | None
    standing: ReturnStanding

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def event(self) -> str:
        return EVENTS[self.kind]

    @property
    def reference(self) -> str:
        """The reference a school is given for the return (what it is about: see ``PREFIXES``)."""
        return f"{PREFIXES[self.kind]}-{self.entry_id:06d}"


# source(calendar=, start=, end=, today=, school_ids=) -> the returns of one kind owed.
Source = Callable[..., Iterable[OwedReturn]]
_SOURCES: dict[str, Source] = {}


def owed_source_register(kind: str, source: Source) -> None:
    """Say how the returns of ``kind`` are counted (the attendance app, once, at start-up).

    ``source(calendar=, start=, end=, today=, school_ids=)`` gives every return of that kind owed
    for a trigger day from ``start`` to ``end`` (inclusive), classified as of ``today``, in a
    fixed number of queries.
    """
    if kind not in KINDS:
        msg = f"Unknown kind of return owed: {kind!r}"
        raise ValueError(msg)
    _SOURCES[kind] = source


@dataclass
class SchoolCounts:
    """How many returns one school owed in the period, by kind and standing."""

    school_id: int
    counts: Counter[tuple[str, ReturnStanding]] = field(default_factory=Counter)

    def count(self, standing: ReturnStanding, kind: str | None = None) -> int:
        return sum(n for (k, s), n in self.counts.items() if s is standing and kind in (None, k))


def owed_returns(
    *,
    calendar: SchoolCalendar,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    school_ids: Collection[int] | None = None,
    kinds: Collection[str] | None = None,
) -> list[OwedReturn]:
    """Every return owed for roll spells that began or ended from ``start`` to ``end`` (inclusive),
    and for thresholds reached in those days, classified as of ``today``; ``kinds`` default: all."""
    kinds = tuple(KINDS) if kinds is None else kinds
    found: list[OwedReturn] = []
    spells = RollEntry.objects.all()
    if school_ids is not None:
        spells = spells.filter(school_id__in=list(school_ids))
    if NEW_PUPIL in kinds:
        first_return = (
            SchoolReturn.objects.filter(
                kind=SchoolReturn.Kind.NEW_PUPIL,
                school=OuterRef("school"),
                child=OuterRef("child"),
                received_at__date__gte=ExpressionWrapper(
                    OuterRef("on_roll_from") - Value(dt.timedelta(days=ADVANCE_DAYS)),
                    output_field=DateField(),
                ),
            )
            .exclude(status=SchoolReturn.Status.REFUSED)
            .order_by("received_at")
            .annotate(day=TruncDate("received_at"))
            .values("day")[:1]
        )
        rows = (
            spells.filter(on_roll_from__gte=start, on_roll_from__lte=end)
            .annotate(received=Subquery(first_return))
            .values_list("pk", "school_id", "child_id", "on_roll_from", "child__date_of_birth", "received")
        )
        for pk, school_id, child_id, entered, born, received in rows:
            due = new_pupil_return_due(calendar, entered, date_of_birth=born)
            if due is None:
                continue
            standing = classify(due=due, received_on=received, today=today)
            found.append(OwedReturn(NEW_PUPIL, school_id, child_id, pk, entered, due, received, standing))
    if DELETION in kinds:
        first_notice = (
            RemovalNotice.objects.filter(
                school=OuterRef("school"),
                child=OuterRef("child"),
                removal_date__gte=OuterRef("on_roll_from"),
            )
            .order_by("received_at")
            .annotate(day=TruncDate("received_at"))
            .values("day")[:1]
        )
        left_rows = (
            spells.filter(on_roll_to__gte=start, on_roll_to__lte=end)
            .annotate(received=Subquery(first_notice))
            .values_list("pk", "school_id", "child_id", "on_roll_to", "received")
        )
        for pk, school_id, child_id, left, received in left_rows:
            if left is None:  # filtered out above; narrows the type
                continue
            due = deletion_return_due(left)
            standing = classify(due=due, received_on=received, today=today)
            found.append(OwedReturn(DELETION, school_id, child_id, pk, left, due, received, standing))
    for kind, source in _SOURCES.items():
        if kind in kinds:
            found.extend(source(calendar=calendar, start=start, end=end, today=today, school_ids=school_ids))
    found.sort(key=lambda r: (r.due, r.kind, r.entry_id))
    return found


def counts_by_school(owed: Collection[OwedReturn]) -> dict[int, SchoolCounts]:
    """The owed returns counted per school, kind and standing."""
    by_school: dict[int, SchoolCounts] = {}
    for row in owed:
        by_school.setdefault(row.school_id, SchoolCounts(row.school_id)).counts[(row.kind, row.standing)] += 1
    return by_school


__all__ = [
    "ATTENDANCE",
    "DELETION",
    "EVENTS",
    "KINDS",
    "NEW_PUPIL",
    "PREFIXES",
    "SICKNESS",
    "OwedReturn",
    "SchoolCounts",
    "counts_by_school",
    "owed_returns",
    "owed_source_register",
    "registered_kinds",
]


def registered_kinds() -> frozenset[str]:
    """The kinds counted: the two of this app and those registered (all four once apps are ready)."""
    return frozenset({NEW_PUPIL, DELETION, *_SOURCES})
