"""Reading a roll's pupil rows: the documented CSV columns and the API's JSON, line and field errors."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.rolls.pupils import RollFileError, rows_from_csv, rows_from_records, snapshot_hash
from rollcall.rules.upn import make_upn

UPN = make_upn("990", "3001", 20, 1)
HEADER = b"upn,forename,surname,date_of_birth,sex,year_group,admission_date,leaving_date,sen_status,ehcp,fsm,looked_after,cin_cp\n"


def test_a_good_csv_reads_every_column() -> None:
    rows = rows_from_csv(HEADER + f"{UPN},Amara, Okafor ,2015-03-02,F,6,03/09/2025,,K,N,Y,,\n".encode())
    (row,) = rows
    assert (row.line, row.upn, row.surname, row.date_of_birth) == (2, UPN, "Okafor", dt.date(2015, 3, 2))
    assert (row.admission_date, row.leaving_date, row.sen_status, row.fsm, row.ehcp, row.looked_after) == (
        dt.date(2025, 9, 3),
        None,
        "K",
        True,
        False,
        None,
    )


def test_only_names_and_date_of_birth_are_required() -> None:
    (row,) = rows_from_csv(b"forename,surname,date_of_birth\nKai,Nowak,2014-01-05\n")
    assert (row.upn, row.sex) == (None, "U")


def test_every_problem_is_reported_by_line_and_field() -> None:
    content = (
        HEADER
        + (
            f"{UPN},Amara,Okafor,2015-02-28,F,6,,,,,,,\n"
            ",,Nowak,2014-01-05,Q,22,2025-09-03,2025-01-01,Z,maybe,,,\n"
            f"{UPN},Kai,Okafor,2015-03-02,,,,,,,,,\n"
            ",Ava,Price,2015-02-30,,,,,,,,,\n"
        ).encode()
    )
    with pytest.raises(RollFileError) as refused:
        rows_from_csv(content)
    assert [str(e) for e in refused.value.errors] == [
        "line 3: ehcp: 'maybe' is not Y or N",
        "line 3: forename: is required",
        "line 3: leaving_date: is before the admission date",
        "line 3: sen_status: 'Z' is not N, K or E",
        "line 3: sex: 'Q' is not F, M, X or U",
        "line 3: year_group: '22' is not a year group (N1, N2, R, 1-14, X)",
        "line 4: upn: the same UPN is on line 2",
        "line 5: date_of_birth: '2015-02-30' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
    ]


def test_unknown_and_missing_columns_are_refused_on_line_1() -> None:
    with pytest.raises(RollFileError, match="line 1: date_of_birth: column missing"):
        rows_from_csv(b"forename,surname,shoe_size\nKai,Nowak,5\n")


def test_a_bad_upn_is_refused() -> None:
    with pytest.raises(RollFileError, match="line 2: upn: "):
        rows_from_csv(b"upn,forename,surname,date_of_birth\nA99030012000Z,Kai,Nowak,2014-01-05\n")


def test_json_records_are_checked_the_same_way_and_unknown_fields_named() -> None:
    with pytest.raises(RollFileError, match="line 1: shoe_size: is not a roll field"):
        rows_from_records(
            [{"forename": "Kai", "surname": "Nowak", "date_of_birth": "2014-01-05", "shoe_size": 5}]
        )
    (row,) = rows_from_records(
        [{"forename": "Kai", "surname": "Nowak", "date_of_birth": "2014-01-05", "fsm": True}]
    )
    assert row.fsm is True


def test_the_hash_ignores_order_and_lines_but_not_the_date() -> None:
    first = rows_from_csv(b"forename,surname,date_of_birth\nKai,Nowak,2014-01-05\nAva,Price,2014-02-05\n")
    second = rows_from_csv(b"forename,surname,date_of_birth\nAva,Price,2014-02-05\nKai,Nowak,2014-01-05\n")
    day = dt.date(2026, 11, 16)
    assert snapshot_hash(day, first) == snapshot_hash(day, second)
    assert snapshot_hash(day, first) != snapshot_hash(day + dt.timedelta(days=1), first)
