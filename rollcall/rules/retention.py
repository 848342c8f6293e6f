"""How long Roll Call keeps each kind of record, and what is due to go on a given day.

A record is kept for a *period* counted from its *reference date* (the day a case closed, a file
was uploaded, an academic year ended, a message was sent). It is due for erasure (or
anonymisation) on the first day after that period has run in full: a case closed on 3 March 2020
and kept for 6 years is held to the end of 2 March 2026 and is due on 3 March 2026.

Whole years and months are calendar anniversaries. An anniversary that does not exist (29
February in a year that has none, 31 April) falls on the first day of the next month, so a record
is never erased a day before its full period has run; the council keeps it at most one day longer.

The defaults and where each comes from are in ``docs/retention.md``. The council changes them on
the retention settings page; :data:`RECORD_TYPES` gives the bounds a setting may take.

Pure: no Django import.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Unit(StrEnum):
    DAYS = "days"
    MONTHS = "months"
    YEARS = "years"


class Action(StrEnum):
    """What happens to a record when its period has run."""

    ERASE = "erase"  # the row (and its change history) is deleted
    ANONYMISE = "anonymise"  # the figures are kept, without the link to the child or any name
    DELETE_FILE = "delete file"  # the stored file is deleted; the row saying what it was stays


@dataclass(frozen=True)
class Period:
    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError("A retention period cannot be negative")

    def __str__(self) -> str:
        if self.amount == 1:
            return f"1 {self.unit.value[:-1]}"
        return f"{self.amount} {self.unit.value}"


@dataclass(frozen=True)
class RecordType:
    """One kind of record on the retention schedule."""

    key: str
    label: str
    unit: Unit
    default: int
    maximum: int
    action: Action
    reference: str  # the date the period is counted from, in words
    source: str  # where the default comes from (docs/retention.md has the full text)
    judgement: bool  # True where the default is the council's judgement, not a rule's
    minimum: int = 0  # the shortest period a council may set

    @property
    def default_period(self) -> Period:
        return Period(self.default, self.unit)


RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType(
        "closed_cases",
        "Closed cases, with their tasks, events, flags, notes and enquiries",
        Unit.YEARS,
        6,
        25,
        Action.ANONYMISE,
        "the date the case closed",
        "Local-authority retention schedules (IRMS toolkit, local authority education records): "
        "case files on children missing education, closure + 6 years",
        False,
    ),
    RecordType(
        "attendance_marks",
        "Attendance marks",
        Unit.YEARS,
        6,
        25,
        Action.ERASE,
        "the end of the academic year (31 August) the marks are for",
        "School Attendance (Pupil Registration) (England) Regulations 2024: each register entry "
        "kept for 6 years; the council's copy for the same period is a judgement",
        True,
    ),
    RecordType(
        "attendance_files",
        "Uploaded attendance files",
        Unit.DAYS,
        30,
        366,
        Action.DELETE_FILE,
        "the day the file was uploaded",
        "A file is deleted as soon as it is imported; one that failed is kept 30 days so the "
        "school can be shown its errors and send it again (judgement)",
        True,
    ),
    RecordType(
        "evidence_files",
        "Action-plan evidence files (the entry and its file)",
        Unit.YEARS,
        6,
        25,
        Action.ERASE,
        "the day the file was added",
        "IRMS toolkit, complaints: date resolved + 6 years (judgement: counted from when the file was added)",
        True,
    ),
    RecordType(
        "policy_files",
        "Files of superseded policy versions",
        Unit.YEARS,
        6,
        25,
        Action.DELETE_FILE,
        "the day the next version of the policy was published",
        "IRMS toolkit, policies: life of the policy + 3 years; 6 kept here so a complaint within the "
        "Limitation Act period can be answered with the policy then in force (judgement)",
        True,
    ),
    RecordType(
        "messages",
        "Messages in people's inboxes",
        Unit.MONTHS,
        24,
        120,
        Action.ERASE,
        "the day the message was sent",
        "Transitory records: kept while useful (judgement: two academic years)",
        True,
    ),
    RecordType(
        "emails",
        "Records of e-mails sent (background e-mail jobs)",
        Unit.DAYS,
        90,
        3660,
        Action.ERASE,
        "the day the e-mail job finished",
        "Transitory records: kept long enough to answer 'was I sent it?' (judgement)",
        True,
    ),
    RecordType(
        "record_views",
        "Access log: who viewed a child's record",
        Unit.YEARS,
        6,
        25,
        Action.ERASE,
        "the day of the view",
        "Kept as long as the case it may be asked about (judgement; UK GDPR Art. 5(1)(f) and 32)",
        True,
    ),
    # Last: a child's closed cases are anonymised, and the records above taken, before the
    # child's whole record goes.
    RecordType(
        "child_records",
        "Children's whole records (the child, addresses, carers, rolls, returns, cases and "
        "everything else about them)",
        Unit.YEARS,
        25,
        100,
        Action.ERASE,
        "the child's date of birth",
        "IRMS toolkit, pupil's educational record and local-authority education welfare records: "
        "date of birth of the child + 25 years (the age an education, health and care plan can "
        "last to); never less than 18 years, past the end of compulsory school age",
        False,
        minimum=18,
    ),
)
RECORD_TYPE = {t.key: t for t in RECORD_TYPES}


def add_period(day: dt.date, period: Period) -> dt.date:
    """``day`` plus ``period``; a calendar anniversary that does not exist is the next month's 1st."""
    if period.unit is Unit.DAYS:
        return day + dt.timedelta(days=period.amount)
    months = period.amount * (12 if period.unit is Unit.YEARS else 1)
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    if day.day <= calendar.monthrange(year, month)[1]:
        return dt.date(year, month, day.day)
    return dt.date(year + (month == 12), month % 12 + 1, 1)


def due_on(reference: dt.date, period: Period) -> dt.date:
    """The first day a record dated ``reference`` is due for erasure or anonymisation."""
    return add_period(reference, period)


def is_due(reference: dt.date, today: dt.date, period: Period) -> bool:
    """Whether a record dated ``reference`` is due on ``today``."""
    return today >= due_on(reference, period)


def latest_due_reference(today: dt.date, period: Period) -> dt.date:
    """The latest reference date that is due on ``today``: a record is due exactly when its
    reference date is on or before this one, so the database can ask one ``<=`` question.

    ``due_on`` never decreases as the reference date grows, so the answer is found by stepping
    from an estimate; the estimate is never more than a few days out.
    """
    if period.unit is Unit.DAYS:
        return today - dt.timedelta(days=period.amount)
    months = period.amount * (12 if period.unit is Unit.YEARS else 1)
    index = today.year * 12 + (today.month - 1) - months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    guess = dt.date(year, month0 + 1, min(today.day, last))
    one = dt.timedelta(days=1)
    while not is_due(guess, today, period):
        guess -= one
    while is_due(guess + one, today, period):
        guess += one
    return guess


def academic_year_end(start_year: int) -> dt.date:
    """The last day of the academic year that starts on 1 September ``start_year``."""
    return dt.date(start_year + 1, 8, 31)


def latest_due_academic_year(today: dt.date, period: Period) -> int:
    """The latest academic year (by the year it starts) whose records are due on ``today``."""
    cutoff = latest_due_reference(today, period)
    return cutoff.year - 1 if cutoff >= dt.date(cutoff.year, 8, 31) else cutoff.year - 2


def schedule_errors(amounts: Mapping[str, int]) -> dict[str, str]:
    """What is wrong with a schedule the council entered: {record type key: message}."""
    errors: dict[str, str] = {}
    for key, amount in amounts.items():
        kind = RECORD_TYPE.get(key)
        if kind is None:
            errors[key] = f"There is no record type called {key}"
        elif amount < kind.minimum:
            errors[key] = f"{kind.label} must be kept for {kind.minimum} {kind.unit.value} or more"
        elif amount > kind.maximum:
            errors[key] = f"{kind.label} cannot be kept for more than {kind.maximum} {kind.unit.value}"
    return errors


def year_group(date_of_birth: dt.date, on: dt.date) -> int:
    """The national curriculum year group of a child born on ``date_of_birth`` in the academic
    year containing ``on``: 0 is Reception, 1 to 13 are Years 1 to 13; below 0 is pre-school and
    above 13 is past Year 13. Kept on an anonymised case instead of the date of birth."""
    cohort = date_of_birth.year if date_of_birth.month >= 9 else date_of_birth.year - 1
    academic = on.year if on.month >= 9 else on.year - 1
    return academic - cohort - 5
