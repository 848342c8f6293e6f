"""The attendance and sickness returns each school owed (returns completeness, issue 16).

The evaluation keeps, on each attendance record (one pupil, one school, one year, from that
school's own marks), the school day the pupil first reached 10 continuous school days coded G, N,
O or U (``tenth_unexplained_day``) and their 15th school day coded I (``fifteenth_illness_day``).
A record whose day falls in the period owes one return of that kind, due by the rules
(rules/returns_due.py: ``attendance_return_due``, ``sickness_return_due``).

Answered by the school's earliest return for that child that was not refused:

- **attendance return**: a ``SchoolReturn`` of kind ATTENDANCE received no earlier than the first
  day of the run (the 10th day less 9 school days, by the council's calendar);
- **sickness return**: the illness report (``SchoolReturn`` of kind ILLNESS_REPORT, or a
  ``HealthReport`` the school made for a pupil it picked from its roll) received no earlier than
  1 September of the record's academic year: a school may report a pupil it expects to miss 15
  days before the 15th day.

Registered with the returns app (``owed_source_register``) at start-up: the returns app cannot
import this one (attendance imports health, which imports returns). Two or three queries per
kind, whatever the number of pupils; the calendar and the matching are Python.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Collection, Iterable
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import TruncDate

from rollcall.attendance.models import PupilMarks
from rollcall.health.models import HealthReport
from rollcall.returns.completeness import ATTENDANCE, SICKNESS, OwedReturn, owed_source_register
from rollcall.returns.models import SchoolReturn
from rollcall.rules.attendance import Thresholds
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.returns_due import attendance_return_due, classify, sickness_return_due

Received = dict[tuple[int, int], list[dt.date]]  # (school, child) -> days received, ascending


def _received(found: Received, rows: Iterable[tuple[int, int, dt.date]]) -> None:
    for school_id, child_id, day in rows:
        found.setdefault((school_id, child_id), []).append(day)


def _first_on_or_after(days: list[dt.date] | None, bound: dt.date) -> dt.date | None:
    if not days:
        return None
    i = bisect.bisect_left(days, bound)
    return days[i] if i < len(days) else None


def _returns(kind: str, since: dt.date, school_ids: Collection[int] | None) -> QuerySet[Any]:
    """(school, child, day received) of the not-refused returns of ``kind`` since ``since``."""
    returns = SchoolReturn.objects.filter(
        kind=kind, child__isnull=False, received_at__date__gte=since
    ).exclude(status=SchoolReturn.Status.REFUSED)
    if school_ids is not None:
        returns = returns.filter(school_id__in=list(school_ids))
    return returns.annotate(day=TruncDate("received_at")).values_list("school_id", "child_id", "day")


def _owed(
    *,
    kind: str,
    day_field: str,
    due: Callable[[SchoolCalendar, dt.date], dt.date],
    bound: Callable[[dt.date, int], dt.date],
    answers: Callable[[dt.date, Collection[int] | None], Iterable[QuerySet[Any]]],
    start: dt.date,
    end: dt.date,
    today: dt.date,
    calendar: SchoolCalendar,
    school_ids: Collection[int] | None,
) -> list[OwedReturn]:
    records = PupilMarks.objects.filter(**{f"{day_field}__gte": start, f"{day_field}__lte": end})
    if school_ids is not None:
        records = records.filter(school_id__in=list(school_ids))
    rows = list(records.values_list("pk", "school_id", "child_id", "academic_year", day_field))
    if not rows:
        return []
    bounds = [bound(day, year) for _pk, _school, _child, year, day in rows]
    received: Received = {}
    for query in answers(min(bounds), school_ids):
        _received(received, query)
    for days in received.values():
        days.sort()
    found: list[OwedReturn] = []
    for (pk, school_id, child_id, _year, day), since in zip(rows, bounds, strict=True):
        due_on = due(calendar, day)
        received_on = _first_on_or_after(received.get((school_id, child_id)), since)
        standing = classify(due=due_on, received_on=received_on, today=today)
        found.append(OwedReturn(kind, school_id, child_id, pk, day, due_on, received_on, standing))
    return found


def attendance_returns_owed(
    *,
    calendar: SchoolCalendar,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    school_ids: Collection[int] | None,
) -> list[OwedReturn]:
    """The attendance returns owed for 10th days of unexplained absence from ``start`` to ``end``."""
    # The council does not set this number (evaluation.council_thresholds keeps the default).
    before = Thresholds().unexplained_days - 1

    def run_began(tenth: dt.date, _year: int) -> dt.date:
        return calendar.add_school_days(tenth, -before)

    def answers(since: dt.date, schools: Collection[int] | None) -> list[QuerySet[Any]]:
        return [_returns(SchoolReturn.Kind.ATTENDANCE, since, schools)]

    return _owed(
        kind=ATTENDANCE,
        day_field="tenth_unexplained_day",
        due=attendance_return_due,
        bound=run_began,
        answers=answers,
        start=start,
        end=end,
        today=today,
        calendar=calendar,
        school_ids=school_ids,
    )


def sickness_returns_owed(
    *,
    calendar: SchoolCalendar,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    school_ids: Collection[int] | None,
) -> list[OwedReturn]:
    """The sickness returns owed for 15th days of illness from ``start`` to ``end``."""

    def year_began(_day: dt.date, year: int) -> dt.date:
        return dt.date(year, 9, 1)

    def answers(since: dt.date, schools: Collection[int] | None) -> list[QuerySet[Any]]:
        reports = HealthReport.objects.filter(school__isnull=False, reported_at__date__gte=since)
        if schools is not None:
            reports = reports.filter(school_id__in=list(schools))
        return [
            _returns(SchoolReturn.Kind.ILLNESS_REPORT, since, schools),
            reports.annotate(day=TruncDate("reported_at")).values_list("school_id", "child_id", "day"),
        ]

    return _owed(
        kind=SICKNESS,
        day_field="fifteenth_illness_day",
        due=sickness_return_due,
        bound=year_began,
        answers=answers,
        start=start,
        end=end,
        today=today,
        calendar=calendar,
        school_ids=school_ids,
    )


owed_source_register(ATTENDANCE, attendance_returns_owed)
owed_source_register(SICKNESS, sickness_returns_owed)
