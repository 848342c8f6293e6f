"""Importing the CSV form: marks stored as one string per pupil per school per year, all or nothing.

Term dates are the demo pattern (tests/factories.py): the autumn term of 2026 runs from
Wednesday 2 September to Friday 23 October, half term 26-30 October, then 2 November to
18 December. 7 September 2026 is a Monday; 12 September a Saturday.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from rollcall.attendance import importers
from rollcall.attendance.models import AttendanceImport, PupilMarks
from rollcall.attendance.services import import_create, import_run
from rollcall.people.models import Child
from rollcall.rules.attendance import blank_marks, session_index
from rollcall.schools.models import ClosureDay, School
from tests import factories
from tests.attendance.conftest import on_roll, stored_marks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

YEAR = 2026
MON = dt.date(2026, 9, 7)
TUE = dt.date(2026, 9, 8)


def at(day: dt.date, pm: bool = False) -> int:
    return session_index(YEAR, day, pm)


def rows_for(child: Child, school: School, *marks: tuple[dt.date, str, str]) -> list[list[str]]:
    return [[child.upn or "", school.urn, day.isoformat(), session, code] for day, session, code in marks]


def record(child: Child, school: School, year: int = YEAR) -> PupilMarks:
    return PupilMarks.objects.get(child=child, school=school, academic_year=year)


def errors_of(imp: AttendanceImport) -> list[tuple[int | None, str]]:
    return [(e["line"], e["field"]) for e in imp.errors]


def test_a_clean_file_is_stored_as_one_string_per_pupil_school_and_year(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    first, second, _third = pupils_on_roll
    path = csv_file(
        rows_for(first, school, (MON, "AM", "/"), (MON, "PM", "\\"), (TUE, "AM", "C1"), (TUE, "PM", "Y3"))
        + rows_for(second, school, (MON, "AM", "N"))
    )

    imp = run_import(path)

    assert imp.status == AttendanceImport.Status.IMPORTED, imp.errors
    assert PupilMarks.objects.count() == 2
    marks = record(first, school).marks
    assert len(marks) == len(blank_marks(YEAR)) == 730
    assert marks[at(MON)] == "/"
    assert marks[at(MON, pm=True)] == "\\"
    assert marks[at(TUE)] == "F"  # C1 is stored as F
    assert marks[at(TUE, pm=True)] == "3"  # Y3 is stored as 3
    assert marks.count(".") == 730 - 4
    assert record(second, school).marks[at(MON)] == "N"
    assert record(first, school).last_import == imp
    assert imp.summary["pupils"] == 2
    assert imp.summary["marks_added"] == 5
    assert imp.summary["marks_replaced"] == 0
    assert imp.summary["replaced_imports"] == []
    assert imp.rows_read == imp.rows_total == 5
    assert imp.finished_at is not None


def test_a_school_may_be_named_by_its_la_establishment_number_and_codes_in_either_case(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    child = pupils_on_roll[0]
    laestab = f"{school.la_code}{school.establishment_number}"
    path = csv_file([[child.upn or "", laestab, MON.isoformat(), "am", " i "]])

    imp = run_import(path)

    assert imp.status == AttendanceImport.Status.IMPORTED, imp.errors
    assert record(child, school).marks[at(MON)] == "I"


def test_a_file_covering_two_academic_years_gives_a_string_for_each(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    child = pupils_on_roll[0]
    july = dt.date(2026, 7, 20)  # a Monday in the summer term of 2025/26
    path = csv_file(rows_for(child, school, (july, "PM", "\\"), (MON, "AM", "/")))

    imp = run_import(path)

    assert imp.status == AttendanceImport.Status.IMPORTED, imp.errors
    assert record(child, school, 2025).marks[session_index(2025, july, pm=True)] == "\\"
    assert len(record(child, school, 2025).marks) == 730
    assert record(child, school, 2026).marks[at(MON)] == "/"


def test_every_kind_of_bad_row_is_reported_with_its_line_and_nothing_is_stored(
    pupils_on_roll: list[Child],
    school: School,
    other_school: School,
    csv_file: Callable[..., Path],
    run_import: Any,
) -> None:
    first, second, _third = pupils_on_roll
    stranger = on_roll(other_school, 1)[0]
    nobody = "H801200001001"  # a valid UPN (LA 801), but no such child here
    # A record already stored, to show a failed import leaves it exactly as it was.
    run_import(csv_file(rows_for(first, school, (TUE, "AM", "/"))))
    before_count, before = PupilMarks.objects.count(), stored_marks()
    upn, urn = first.upn or "", school.urn
    lines = [
        "upn,school,date,session,code",  # 1
        f"{upn},{urn},2026-09-07,AM,/",  # 2 good
        f"{upn},{urn},2026-09-07,PM,\\",  # 3 good
        f"{upn},{urn},2026-09-07,AM,/",  # 4 the same as line 2
        f"{upn},{urn},2026-09-07,PM,N",  # 5 conflicts with line 3
        f"Z801200001001,{urn},2026-09-07,AM,/",  # 6 check letter wrong
        f"{nobody},{urn},2026-09-07,AM,/",  # 7 no such child
        f"{second.upn},123456,2026-09-07,AM,/",  # 8 no such school
        f"{second.upn},{urn},07/09/2026,AM,/",  # 9 not ISO
        f"{second.upn},{urn},2026-09-12,AM,/",  # 10 a Saturday
        f"{second.upn},{urn},2026-10-28,AM,/",  # 11 half term
        f"{second.upn},{urn},2026-09-13,PM,#",  # 12 good: # on a Sunday
        f"{second.upn},{urn},2026-09-07,XX,/",  # 13 session
        f"{second.upn},{urn},2026-09-07,PM,A9",  # 14 code
        f"{second.upn},{urn},2026-09-08,AM,/,/",  # 15 six fields
        "",  # 16 empty
        f"{stranger.upn},{urn},2026-09-07,AM,/",  # 17 not on this school's roll
        f"{second.upn},{urn},2026-09-09,AM,/",  # 18 good
    ]
    path = csv_file(text="\n".join(lines) + "\n")

    imp = run_import(path)

    assert imp.status == AttendanceImport.Status.FAILED
    assert errors_of(imp) == [
        (4, "line"),
        (5, "code"),
        (6, "upn"),
        (7, "upn"),
        (8, "school"),
        (9, "date"),
        (10, "date"),
        (11, "date"),
        (13, "session"),
        (14, "code"),
        (15, "line"),
        (16, "line"),
        (17, "upn"),
    ]
    assert imp.error_count == 13
    message = {e["line"]: e["message"] for e in imp.errors}
    assert message[4].startswith("This line repeats line 2")
    assert "line 3 gives \\" in message[5]
    assert "gives N" in message[5]
    assert "check letter is wrong" in message[6]
    assert f"No child with UPN {nobody}" in message[7]
    assert '"123456"' in message[8]
    assert "YYYY-MM-DD" in message[9]
    assert "Saturday 12 September 2026" in message[10]
    assert "weekend" in message[10]
    assert "school holidays" in message[11]
    assert '"XX" is not AM or PM' in message[13]
    assert '"A9" is not a national attendance code' in message[14]
    assert "6 fields" in message[15]
    assert message[16] == "This line is empty"
    assert f"{stranger.upn} is not on the roll of {school.name}" in message[17]
    # Nothing written: the same records with the same strings and the same last import.
    assert PupilMarks.objects.count() == before_count
    assert stored_marks() == before


def test_a_closure_day_takes_only_the_closure_code(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    inset = dt.date(2026, 11, 20)
    ClosureDay.objects.create(date=inset, reason="INSET")
    child = pupils_on_roll[0]

    refused = run_import(csv_file(rows_for(child, school, (inset, "AM", "/"))))
    accepted = run_import(csv_file(rows_for(child, school, (inset, "AM", "#"), (inset, "PM", "#"))))

    assert refused.status == AttendanceImport.Status.FAILED
    assert errors_of(refused) == [(2, "date")]
    assert "closure (INSET) day" in refused.errors[0]["message"]
    assert accepted.status == AttendanceImport.Status.IMPORTED, accepted.errors
    assert record(child, school).marks[at(inset) : at(inset) + 2] == "##"


def test_a_bank_holiday_in_term_is_not_a_school_day(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    may_day = dt.date(2027, 5, 3)  # early May bank holiday, inside the summer term

    imp = run_import(csv_file(rows_for(pupils_on_roll[0], school, (may_day, "AM", "/"))))

    assert errors_of(imp) == [(2, "date")]
    assert "bank holiday" in imp.errors[0]["message"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [(1, "header")]),
        ("upn,school,date,code\n", [(1, "header")]),
        ("UPN;School;Date;Session;Code\n", [(1, "header")]),
        ("upn,school,date,session,code\n", [(2, "file")]),
    ],
    ids=["empty", "a column missing", "semicolons", "header only"],
)
def test_a_file_without_the_right_header_or_without_rows_is_refused(
    pupils_on_roll: list[Child],
    csv_file: Callable[..., Path],
    run_import: Any,
    text: str,
    expected: list[Any],
) -> None:
    imp = run_import(csv_file(text=text))

    assert imp.status == AttendanceImport.Status.FAILED
    assert errors_of(imp) == expected
    assert PupilMarks.objects.count() == 0


def test_a_file_that_starts_with_marks_is_told_to_add_the_header(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    imp = run_import(csv_file(rows_for(pupils_on_roll[0], school, (MON, "AM", "/")), header=None))

    assert errors_of(imp) == [(1, "header")]
    assert "starts with a row of marks" in imp.errors[0]["message"]


def test_a_header_with_a_byte_order_mark_and_crlf_line_ends_is_accepted(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    child = pupils_on_roll[0]
    text = f"\ufeffupn,school,date,session,code\r\n{child.upn},{school.urn},2026-09-07,AM,/\r\n"

    imp = run_import(csv_file(text=text))

    assert imp.status == AttendanceImport.Status.IMPORTED, imp.errors
    assert record(child, school).marks[at(MON)] == "/"


def test_a_line_that_is_not_utf8_is_named(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    child = pupils_on_roll[0]
    data = (
        f"upn,school,date,session,code\n{child.upn},{school.urn},2026-09-07,AM,/\n"
        f"{child.upn},{school.urn},2026-09-07,PM,caf\xe9\n"
    ).encode("latin-1")

    imp = run_import(csv_file(data=data))

    assert errors_of(imp) == [(3, "encoding")]
    assert "not UTF-8" in imp.errors[0]["message"]
    assert PupilMarks.objects.count() == 0


def test_a_utf16_file_is_refused_at_line_one(
    pupils_on_roll: list[Child], csv_file: Callable[..., Path], run_import: Any
) -> None:
    imp = run_import(csv_file(data="upn,school,date,session,code\n".encode("utf-16")))

    assert errors_of(imp) == [(1, "encoding")]
    assert "UTF-16" in imp.errors[0]["message"]


def test_a_file_cut_off_in_its_last_line_says_so(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    child = pupils_on_roll[0]
    text = f"upn,school,date,session,code\n{child.upn},{school.urn},2026-09-07,AM,/\n{child.upn},{school.urn},2026-09"

    imp = run_import(csv_file(text=text))

    assert errors_of(imp) == [(3, "line")]
    assert "cut off" in imp.errors[0]["message"]
    assert PupilMarks.objects.count() == 0


def test_a_last_line_without_a_newline_is_fine_when_it_is_whole(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    child = pupils_on_roll[0]
    text = f"upn,school,date,session,code\n{child.upn},{school.urn},2026-09-07,AM,/"

    assert run_import(csv_file(text=text)).status == AttendanceImport.Status.IMPORTED


def test_repeated_rows_far_apart_in_a_big_file_name_both_lines(
    monkeypatch: pytest.MonkeyPatch,
    pupils_on_roll: list[Child],
    school: School,
    csv_file: Callable[..., Path],
    run_import: Any,
) -> None:
    """The reader works in blocks; a repeat of a row in an earlier block is found and named too."""
    monkeypatch.setattr(importers, "CSV_BLOCK_BYTES", 256)
    child, other, _ = pupils_on_roll
    days = factories_school_days(dt.date(2026, 9, 2), dt.date(2026, 10, 23))
    rows = [r for day in days for r in rows_for(other, school, (day, "AM", "/"), (day, "PM", "\\"))]
    rows = rows_for(child, school, (MON, "AM", "/")) + rows + rows_for(child, school, (MON, "AM", "/"))
    rows += rows_for(child, school, (MON, "AM", "L"))

    imp = run_import(csv_file(rows))

    last = len(rows) + 1
    assert errors_of(imp) == [(last - 1, "line"), (last, "code")]
    assert imp.errors[0]["message"].startswith("This line repeats line 2")
    assert "line 2 gives /" in imp.errors[1]["message"]


def factories_school_days(start: dt.date, end: dt.date) -> list[dt.date]:
    from rollcall.casework.calendar import council_calendar

    return council_calendar().school_days_in(start, end)


def test_errors_are_kept_up_to_the_limit_and_all_counted(
    monkeypatch: pytest.MonkeyPatch,
    pupils_on_roll: list[Child],
    school: School,
    csv_file: Callable[..., Path],
    run_import: Any,
) -> None:
    monkeypatch.setattr(AttendanceImport, "MAX_ERRORS", 25)
    child = pupils_on_roll[0]
    rows = [[child.upn or "", school.urn, "2026-09-07", "AM", f"Q{n}"] for n in range(40)]

    imp = run_import(csv_file(rows))

    assert imp.error_count == 40
    assert len(imp.errors) == 25
    assert [e["line"] for e in imp.errors] == list(range(2, 27))


def test_a_school_user_cannot_send_marks_for_another_school(
    pupils_on_roll: list[Child],
    school: School,
    other_school: School,
    school_user: Any,
    csv_file: Callable[..., Path],
    run_import: Any,
) -> None:
    child = pupils_on_roll[0]
    stranger = on_roll(other_school, 1)[0]
    path = csv_file(
        rows_for(child, school, (MON, "AM", "/")) + rows_for(stranger, other_school, (MON, "AM", "/"))
    )

    imp = run_import(path, user=school_user)

    assert imp.school == school
    assert errors_of(imp) == [(3, "school")]
    assert f"This line is for {other_school.name}" in imp.errors[0]["message"]
    assert f"you can only send marks for {school.name}" in imp.errors[0]["message"]
    assert PupilMarks.objects.count() == 0


def test_the_same_file_twice_changes_nothing_and_a_newer_file_replaces_marks_and_says_so(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    child, other, _ = pupils_on_roll
    original = rows_for(child, school, (MON, "AM", "N"), (MON, "PM", "N")) + rows_for(
        other, school, (MON, "AM", "/")
    )
    path = csv_file(original)
    first = run_import(path)
    after_first = stored_marks()

    again = run_import(path)

    assert again.status == AttendanceImport.Status.UNCHANGED
    assert again.summary["same_as"]["id"] == first.pk
    assert stored_marks() == after_first
    assert record(child, school).last_import == first

    # The school finds out why: Monday morning was a medical appointment; Tuesday is new.
    newer = run_import(
        csv_file(rows_for(child, school, (MON, "AM", "M"), (MON, "PM", "N"), (TUE, "AM", "/")))
    )

    assert newer.status == AttendanceImport.Status.IMPORTED, newer.errors
    marks = record(child, school).marks
    assert marks[at(MON) : at(MON) + 2] == "MN"
    assert marks[at(TUE)] == "/"
    assert record(other, school).marks[at(MON)] == "/"  # not in the newer file: kept
    assert record(other, school).last_import == first
    assert record(child, school).last_import == newer
    assert newer.summary["marks_added"] == 1
    assert newer.summary["marks_replaced"] == 1
    assert newer.summary["marks_unchanged"] == 1
    assert newer.summary["replaced_imports"] == [
        {"id": first.pk, "name": first.original_name, "created_at": first.created_at.isoformat(), "marks": 1}
    ]


def test_an_import_that_was_already_run_is_not_run_again(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    imp = run_import(csv_file(rows_for(pupils_on_roll[0], school, (MON, "AM", "/"))))
    finished_at = imp.finished_at

    again = import_run(imp)

    assert again.status == AttendanceImport.Status.IMPORTED
    assert again.finished_at == finished_at


def test_the_children_whose_marks_changed_are_evaluated_and_the_prompts_summarised(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    """Ten school days without a reason (2 to 13 November) is the CME prompt."""
    child, other, _ = pupils_on_roll
    days = factories_school_days(dt.date(2026, 11, 2), dt.date(2026, 11, 13))
    rows = []
    for day in days:
        rows += rows_for(child, school, (day, "AM", "N"), (day, "PM", "O"))
        rows += rows_for(other, school, (day, "AM", "/"), (day, "PM", "\\"))

    imp = run_import(csv_file(rows))

    assert imp.status == AttendanceImport.Status.IMPORTED, imp.errors
    assert imp.summary["evaluation"]["prompts"]["missing"]["found"] == 1
    assert record(child, school).unexplained_streak == 10
    assert record(other, school).evaluated_as_of is not None


def test_the_evaluation_is_given_only_the_schools_whose_records_changed(
    monkeypatch: pytest.MonkeyPatch,
    pupils_on_roll: list[Child],
    school: School,
    csv_file: Callable[..., Path],
    run_import: Any,
    other_school: School,
) -> None:
    from rollcall.attendance import evaluation

    calls: list[dict[str, Any]] = []
    real = evaluation.evaluate

    def recording(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(evaluation, "evaluate", recording)
    child, other, _ = pupils_on_roll
    elsewhere = other_school
    factories.RollEntryFactory.create(child=other, school=elsewhere, on_roll_from=dt.date(2025, 9, 1))
    run_import(
        csv_file(rows_for(child, school, (MON, "AM", "/")) + rows_for(other, elsewhere, (MON, "AM", "/")))
    )
    run_import(
        csv_file(rows_for(child, school, (MON, "AM", "/")) + rows_for(other, school, (MON, "AM", "I")))
    )
    run_import(csv_file(rows_for(child, school, (MON, "AM", "/"))))  # nothing new: no evaluation

    assert calls == [{"school_ids": sorted([school.pk, elsewhere.pk])}, {"school_ids": [school.pk]}]


def test_the_planner_statistics_are_refreshed_after_the_marks_are_stored_and_before_the_evaluation(
    monkeypatch: pytest.MonkeyPatch,
    pupils_on_roll: list[Child],
    school: School,
    csv_file: Callable[..., Path],
    run_import: Any,
) -> None:
    from rollcall.attendance import evaluation

    order: list[str] = []
    real = evaluation.evaluate

    def evaluating(**kwargs: Any) -> Any:
        order.append("evaluate")
        return real(**kwargs)

    def refresh() -> list[str]:
        order.append(f"refresh after {PupilMarks.objects.count()} record(s)")
        return []

    monkeypatch.setattr(evaluation, "evaluate", evaluating)
    monkeypatch.setattr("rollcall.attendance.services.refresh_statistics", refresh)
    child = pupils_on_roll[0]
    run_import(csv_file(rows_for(child, school, (MON, "AM", "/"))))
    assert order == ["refresh after 1 record(s)", "evaluate"]


@pytest.mark.django_db(transaction=True)
def test_progress_is_saved_as_the_file_is_read_where_other_connections_see_it(
    monkeypatch: pytest.MonkeyPatch, school: School, terms: None, csv_file: Callable[..., Path]
) -> None:
    monkeypatch.setattr(importers, "CSV_BLOCK_BYTES", 1024)
    monkeypatch.setattr("rollcall.attendance.services.PROGRESS_EVERY", 0)
    child = on_roll(school, 1)[0]
    days = factories_school_days(dt.date(2026, 9, 2), dt.date(2026, 12, 18))
    rows = [r for day in days for r in rows_for(child, school, (day, "AM", "/"), (day, "PM", "\\"))]
    with csv_file(rows).open("rb") as content:
        imp = import_create(
            content=content, original_name="autumn.csv", file_format="csv", uploaded_by=None, enqueue=False
        )
    seen: list[tuple[int, int, str]] = []

    def look_from_another_connection(rows_read: int, rows_total: int) -> None:
        def look() -> None:
            try:
                seen.append(
                    AttendanceImport.objects.values_list("rows_read", "rows_total", "status").get(pk=imp.pk)
                )
            finally:
                connections.close_all()

        thread = threading.Thread(target=look)
        thread.start()
        thread.join()

    import_run(imp, progress=look_from_another_connection)

    assert len(seen) > 3
    assert all(status == "running" for _, _, status in seen)
    reads = [r for r, _, _ in seen]
    assert reads == sorted(reads)
    assert 0 < reads[0] < len(rows)
    assert seen[-1][0] == len(rows)
    imp.refresh_from_db()
    assert imp.rows_read == imp.rows_total == len(rows)


def test_stored_records_are_read_by_ranges_of_close_ids_and_a_list_of_the_rest() -> None:
    from rollcall.attendance.services import _id_runs

    school_ids = list(range(1000, 1020))  # a school's pupils, created together
    movers = [7, 5000, 90_000]  # pupils who came from other schools
    ids = sorted(school_ids + movers + [1030, 1031])

    assert _id_runs(ids) == ([(1000, 1019)], [7, 1030, 1031, 5000, 90_000])
    assert _id_runs([]) == ([], [])
    assert _id_runs(list(range(1, 33, 2))) == ([(1, 31)], [])  # 16 ids, 2 apart: one range
