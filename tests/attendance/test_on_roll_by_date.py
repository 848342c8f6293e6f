"""Attendance imports check "on roll" by date against the roll spells, not by academic year.

A mark is accepted on the days a roll spell of that pupil at that school covers, from its first
day to its last day on roll (both included); code Z (a prospective pupil) and # (the school
closed) may fall outside. Term dates: 2 November to 18 December 2026 are school days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rollcall.attendance.models import AttendanceImport, PupilMarks
from rollcall.people.models import Child
from rollcall.schools.models import School
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock", "terms")]

MON, TUE, WED, THU = (dt.date(2026, 11, 2) + dt.timedelta(days=n) for n in range(4))


def rows(child: Child, school: School, *marks: tuple[dt.date, str, str]) -> list[list[str]]:
    return [[child.upn or "", school.urn, day.isoformat(), session, code] for day, session, code in marks]


def test_marks_before_a_joiners_first_day_are_refused_with_the_day_named(
    school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    joiner = factories.ChildFactory.create()
    factories.RollEntryFactory.create(child=joiner, school=school, on_roll_from=TUE)
    imp = run_import(csv_file(rows(joiner, school, (MON, "PM", "/"), (TUE, "AM", "/"), (WED, "AM", "/"))))
    assert imp.status == AttendanceImport.Status.FAILED
    (error,) = imp.errors
    assert (error["line"], error["field"]) == (2, "upn")
    assert "is not on the roll of" in error["message"]
    assert "Monday 2 November 2026" in error["message"]
    assert "1 session " in error["message"]
    assert PupilMarks.objects.count() == 0


def test_marks_within_the_spell_its_last_day_included_and_z_before_it_are_accepted(
    school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    joiner = factories.ChildFactory.create()
    factories.RollEntryFactory.create(child=joiner, school=school, on_roll_from=TUE, on_roll_to=WED)
    imp = run_import(csv_file(rows(joiner, school, (MON, "AM", "Z"), (TUE, "AM", "/"), (WED, "PM", "/"))))
    assert imp.status == AttendanceImport.Status.IMPORTED, imp.errors


def test_marks_after_a_leavers_last_day_are_refused(
    school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    leaver = factories.ChildFactory.create()
    factories.RollEntryFactory.create(
        child=leaver, school=school, on_roll_from=dt.date(2024, 9, 4), on_roll_to=TUE
    )
    imp = run_import(csv_file(rows(leaver, school, (TUE, "PM", "/"), (WED, "AM", "N"), (THU, "AM", "N"))))
    assert imp.status == AttendanceImport.Status.FAILED
    assert "Wednesday 4 November 2026" in imp.errors[0]["message"]
    assert "2 sessions" in imp.errors[0]["message"]


def test_two_spells_in_a_year_cover_only_their_own_days(
    school: School, other_school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    child = factories.ChildFactory.create()
    factories.RollEntryFactory.create(
        child=child, school=school, on_roll_from=dt.date(2026, 9, 2), on_roll_to=MON
    )
    factories.RollEntryFactory.create(child=child, school=school, on_roll_from=WED)
    # On the roll of another school on Tuesday: that spell does not count for this school.
    factories.RollEntryFactory.create(child=child, school=other_school, on_roll_from=TUE, on_roll_to=TUE)
    good = run_import(csv_file(rows(child, school, (MON, "AM", "/"), (WED, "AM", "/"))))
    assert good.status == AttendanceImport.Status.IMPORTED, good.errors
    bad = run_import(csv_file(rows(child, school, (TUE, "AM", "/"))))
    assert bad.status == AttendanceImport.Status.FAILED
    assert "Tuesday 3 November 2026" in bad.errors[0]["message"]
