"""Reading a school's roll from a Common Transfer File: the hardened XML reader and its errors."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.rolls.ctf import rows_from_ctf
from rollcall.rolls.pupils import RollFileError
from rollcall.rules.upn import make_upn
from tests.rolls.ctf_files import CtfPupil, ctf


def test_core_details_dates_and_dfe_items_are_read_from_each_pupil() -> None:
    upn = make_upn("990", "3001", 20, 1)
    roll = rows_from_ctf(
        ctf(
            [
                CtfPupil(
                    "Mia", "Okafor", "2015-04-02", upn=upn, sex="F", year="6", leaving="2026-11-13", sen="K"
                )
            ]
        )
    )
    (row,) = roll.rows
    assert (row.upn, row.forename, row.surname, row.date_of_birth) == (
        upn,
        "Mia",
        "Okafor",
        dt.date(2015, 4, 2),
    )
    assert (row.sex, row.year_group, row.sen_status, row.ehcp) == ("F", "6", "K", False)
    # The sending school's own entry in the history, not an earlier school's.
    assert (row.admission_date, row.leaving_date) == (dt.date(2025, 9, 3), dt.date(2026, 11, 13))
    assert (roll.lea, roll.estab) == ("990", "3001")
    assert roll.details[row.line].address is not None


def test_errors_name_the_pupils_line_and_the_ctf_element() -> None:
    with pytest.raises(RollFileError) as failed:
        rows_from_ctf(
            ctf([CtfPupil("Mia", "", "2015-02-30"), CtfPupil("Leo", "Hart", "2015-06-09", sex="Q")])
        )
    found = {(e.field, e.reason.split(" (")[0]) for e in failed.value.errors}
    assert ("Surname", "is required") in found
    assert ("DOB", "'2015-02-30' is not a date") in found
    assert ("Sex", "'Q' is not F, M, X or U") in found
    lines = sorted({e.line for e in failed.value.errors})
    assert len(lines) == 2
    assert all(line > 1 for line in lines)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<CTfile>&b;</CTfile>",
            "declares a document type or entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE CTfile SYSTEM "file:///etc/passwd"><CTfile/>',
            "declares a document type or entities",
        ),
        (b"<CTfile><Header>", "not well-formed XML"),
        (b"<Other/>", "not a Common Transfer File"),
        (b"<CTfile>" + b"<a>" * 40 + b"</a>" * 40 + b"</CTfile>", "nested more than"),
    ],
)
def test_hostile_or_broken_xml_is_refused_and_nothing_outside_the_file_is_read(
    content: bytes, reason: str
) -> None:
    with pytest.raises(RollFileError) as failed:
        rows_from_ctf(content)
    assert reason in str(failed.value)


def test_a_file_over_the_size_limit_is_refused() -> None:
    with pytest.raises(RollFileError, match="larger than"):
        rows_from_ctf(ctf([CtfPupil("Mia", "Okafor", "2015-04-02")]), max_bytes=100)
