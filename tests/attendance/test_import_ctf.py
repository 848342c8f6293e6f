"""Importing the Common Transfer File form: marks strings from a start date, through a hardened parser.

A CTF carries each pupil's marks as one string of stored characters, two per calendar day (AM,
PM) from ``AttendanceStartDate`` (spec §4). The autumn term of 2026 starts on Wednesday
2 September; 7 September 2026 is a Monday.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rollcall.attendance import importers
from rollcall.attendance.models import AttendanceImport, PupilMarks
from rollcall.people.models import Child
from rollcall.rules.attendance import blank_marks, session_index
from rollcall.schools.models import School
from tests.attendance.conftest import on_roll, stored_marks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

YEAR = 2026
FIRST = dt.date(2026, 9, 1)
# 1 September (Tuesday, before term) blank; 2-4 September present; the weekend blank; Monday 7 ill.
WEEK = ".." + "/\\" * 3 + "...." + "II"


def ctf(school: School, pupils: list[tuple[str, str]], *, start: str = "2026-09-01", prolog: str = "") -> str:
    """A CTF with one SessionAttendance per pupil: (UPN, marks string)."""
    body = "".join(
        f"""    <Pupil>
      <UPN>{upn}</UPN>
      <Surname>Example</Surname>
      <Forename>Pupil</Forename>
      <DOB>2015-03-02</DOB>
      <Sex>F</Sex>
      <Attendance>
        <YearData>
          <YearTaught>6</YearTaught>
          <SessionAttendance>
            <AttendanceStartDate>{start}</AttendanceStartDate>
            <AttendanceMarks>{marks}</AttendanceMarks>
          </SessionAttendance>
        </YearData>
      </Attendance>
    </Pupil>
"""
        for upn, marks in pupils
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{prolog}<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <CTFversion>26.0</CTFversion>
    <DateTime>2026-11-13T16:00:00</DateTime>
    <DocumentQualifier>full</DocumentQualifier>
    <SourceSchool>
      <LEA>{school.la_code}</LEA>
      <Estab>{school.establishment_number}</Estab>
      <SchoolName>{school.name}</SchoolName>
      <AcademicYear>2026</AcademicYear>
    </SourceSchool>
    <DestSchool><LEA>990</LEA><Estab>XXXX</Estab></DestSchool>
  </Header>
  <CTFpupilData>
{body}  </CTFpupilData>
</CTfile>
"""


# Line numbers in the file ctf() writes: the UPN of pupil k (from 0) and its AttendanceMarks.
def upn_line(k: int) -> int:
    return 18 + 16 * k


def marks_line(k: int) -> int:
    return 28 + 16 * k


def source_line() -> int:
    return 8


@pytest.fixture
def xml_file(tmp_path: Path) -> Callable[[str], Path]:
    counter = iter(range(1000))

    def write(text: str) -> Path:
        path = tmp_path / f"ctf-{next(counter)}.xml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def upn(child: Child) -> str:
    return child.upn or ""


def test_the_line_helpers_match_the_file() -> None:
    lines = ctf(School(la_code="990", establishment_number="2001", name="X"), [("A", "B"), ("C", "D")]).split(
        "\n"
    )
    assert lines[source_line() - 1].strip() == "<SourceSchool>"
    assert lines[upn_line(1) - 1].strip() == "<UPN>C</UPN>"
    assert lines[marks_line(1) - 1].strip() == "<AttendanceMarks>D</AttendanceMarks>"


def test_a_pupils_marks_string_is_stored_from_its_start_date(
    pupils_on_roll: list[Child], school: School, xml_file: Callable[[str], Path], run_import: Any
) -> None:
    first, second, _ = pupils_on_roll
    path = xml_file(ctf(school, [(upn(first), WEEK), (upn(second), "..N")]))

    imp = run_import(path)

    assert imp.status == AttendanceImport.Status.IMPORTED, imp.errors
    stored = PupilMarks.objects.get(child=first, school=school, academic_year=YEAR).marks
    assert stored == WEEK + blank_marks(YEAR)[len(WEEK) :]
    assert PupilMarks.objects.get(child=second).marks[2] == "N"
    assert imp.rows_read == 2  # pupils
    assert imp.summary["marks_added"] == 2 * 3 + 2 + 1


def test_a_start_date_later_in_the_year_places_the_marks_there(
    pupils_on_roll: list[Child], school: School, xml_file: Callable[[str], Path], run_import: Any
) -> None:
    child = pupils_on_roll[0]

    imp = run_import(xml_file(ctf(school, [(upn(child), "LM")], start="2026-09-07")))

    assert imp.status == AttendanceImport.Status.IMPORTED, imp.errors
    stored = PupilMarks.objects.get(child=child).marks
    assert stored[session_index(YEAR, dt.date(2026, 9, 7), pm=False) :][:2] == "LM"


def test_bad_pupils_and_marks_are_reported_with_their_element_lines_and_nothing_is_stored(
    pupils_on_roll: list[Child],
    school: School,
    other_school: School,
    xml_file: Callable[[str], Path],
    run_import: Any,
) -> None:
    first, second, third = pupils_on_roll
    stranger = on_roll(other_school, 1)[0]
    run_import(xml_file(ctf(school, [(upn(third), WEEK)])))
    before_count, before = PupilMarks.objects.count(), stored_marks()
    pupils = [
        (upn(first), WEEK),  # 0 good
        ("Z801200001001", WEEK),  # 1 check letter wrong
        ("H801200001001", WEEK),  # 2 no such child
        (upn(second), "../\\?"),  # 3 "?" is not a mark (character 5)
        (upn(third), ".." + "/\\" * 3 + "./"),  # 4 a mark on Saturday 5 September (character 10)
        (upn(stranger), WEEK),  # 5 not on this school's roll
        (upn(first), ".." + "/N"),  # 6 first again: a repeat and a conflict with pupil 0
    ]

    imp = run_import(xml_file(ctf(school, pupils)))

    assert imp.status == AttendanceImport.Status.FAILED
    assert [(e["line"], e["field"]) for e in imp.errors] == [
        (upn_line(1), "UPN"),
        (upn_line(2), "UPN"),
        (marks_line(3), "AttendanceMarks"),
        (marks_line(4), "AttendanceMarks"),
        (upn_line(5), "UPN"),
        (marks_line(6), "line"),
        (marks_line(6), "code"),
    ]
    messages = [e["message"] for e in imp.errors]
    assert "check letter is wrong" in messages[0]
    assert "No child with UPN H801200001001" in messages[1]
    assert '"?" at character 5 (the morning of 3 September 2026) is not an attendance mark' in messages[2]
    assert "character 10 (the afternoon of 5 September 2026)" in messages[3]
    assert "weekend" in messages[3]
    assert f"{stranger.upn} is not on the roll of {school.name}" in messages[4]
    assert f"repeats line {marks_line(0)}" in messages[5]
    assert f"line {marks_line(0)} gives \\" in messages[6]
    assert imp.error_count == 7
    assert PupilMarks.objects.count() == before_count
    assert stored_marks() == before


def test_an_unknown_school_in_the_header_is_named(
    pupils_on_roll: list[Child], xml_file: Callable[[str], Path], run_import: Any
) -> None:
    nowhere = School(la_code="990", establishment_number="9999", name="Nowhere")

    imp = run_import(xml_file(ctf(nowhere, [(upn(pupils_on_roll[0]), WEEK)])))

    assert [(e["line"], e["field"]) for e in imp.errors] == [(source_line(), "SourceSchool")]
    assert '"9909999"' in imp.errors[0]["message"]


def test_a_school_user_may_only_send_their_own_schools_file(
    pupils_on_roll: list[Child],
    other_school: School,
    school_user: Any,
    xml_file: Callable[[str], Path],
    run_import: Any,
) -> None:
    stranger = on_roll(other_school, 1)[0]

    imp = run_import(xml_file(ctf(other_school, [(upn(stranger), WEEK)])), user=school_user)

    assert (imp.errors[0]["line"], imp.errors[0]["field"]) == (source_line(), "SourceSchool")
    assert "you can only send marks for Moorside Academy" in imp.errors[0]["message"]
    assert PupilMarks.objects.count() == 0


def test_a_bad_start_date_is_named(
    pupils_on_roll: list[Child], school: School, xml_file: Callable[[str], Path], run_import: Any
) -> None:
    imp = run_import(xml_file(ctf(school, [(upn(pupils_on_roll[0]), WEEK)], start="01/09/2026")))

    assert [(e["line"], e["field"]) for e in imp.errors] == [(marks_line(0) - 1, "AttendanceStartDate")]


def test_a_file_cut_off_part_way_is_not_well_formed_and_names_the_line(
    pupils_on_roll: list[Child], school: School, xml_file: Callable[[str], Path], run_import: Any
) -> None:
    text = ctf(school, [(upn(pupils_on_roll[0]), WEEK), (upn(pupils_on_roll[1]), WEEK)])
    cut = text[: text.index("<AttendanceMarks>", text.index(upn(pupils_on_roll[1]))) + 10]

    imp = run_import(xml_file(cut))

    assert imp.status == AttendanceImport.Status.FAILED
    assert len(imp.errors) == 1
    assert imp.errors[0]["line"] == marks_line(1)
    assert "not well-formed" in imp.errors[0]["message"]
    assert "cut off" in imp.errors[0]["message"]
    assert PupilMarks.objects.count() == 0


def test_a_file_that_is_not_utf8_names_the_line(
    pupils_on_roll: list[Child], school: School, tmp_path: Path, run_import: Any
) -> None:
    text = ctf(school, [(upn(pupils_on_roll[0]), WEEK)]).replace("<Surname>Example", "<Surname>Ex\xe9mple")
    path = tmp_path / "latin.xml"
    path.write_bytes(text.encode("latin-1"))

    imp = run_import(path)

    assert imp.errors[0]["line"] == upn_line(0) + 1
    assert "UTF-8" in imp.errors[0]["message"]


def test_a_file_that_is_not_a_ctf_is_refused(
    xml_file: Callable[[str], Path], run_import: Any, terms: None
) -> None:
    imp = run_import(xml_file('<?xml version="1.0"?>\n<html><body/></html>\n'))

    assert imp.errors[0]["message"].startswith("This is not a Common Transfer File")


BILLION_LAUGHS = """<!DOCTYPE CTfile [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def test_an_entity_expansion_attack_is_refused_without_expanding_anything(
    pupils_on_roll: list[Child], school: School, xml_file: Callable[[str], Path], run_import: Any
) -> None:
    text = ctf(school, [(upn(pupils_on_roll[0]), "&lol9;")], prolog=BILLION_LAUGHS)

    imp = run_import(xml_file(text))

    assert imp.status == AttendanceImport.Status.FAILED
    assert [(e["line"], e["field"]) for e in imp.errors] == [(2, "file")]
    assert "refuses" in imp.errors[0]["message"]
    assert "DTD" in imp.errors[0]["message"]
    assert "lollol" not in str(imp.errors)
    assert PupilMarks.objects.count() == 0


def test_an_external_entity_is_refused_and_the_file_it_names_is_never_opened(
    pupils_on_roll: list[Child],
    school: School,
    tmp_path: Path,
    xml_file: Callable[[str], Path],
    run_import: Any,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKS")
    opened: list[str] = []
    watching = [True]

    def audit(event: str, args: tuple[Any, ...]) -> None:
        if watching[0] and event == "open" and args and str(args[0]) == str(secret):
            opened.append(event)

    sys.addaudithook(audit)  # audit hooks cannot be removed; this one is switched off below
    xxe = f'<!DOCTYPE CTfile [ <!ENTITY xxe SYSTEM "file://{secret}"> ]>\n'
    text = ctf(school, [(upn(pupils_on_roll[0]), "&xxe;")], prolog=xxe)
    try:
        imp = run_import(xml_file(text))
    finally:
        watching[0] = False

    assert imp.status == AttendanceImport.Status.FAILED
    assert [(e["line"], e["field"]) for e in imp.errors] == [(2, "file")]
    assert "TOP-SECRET" not in str(imp.errors) + str(imp.summary)
    assert opened == []
    assert PupilMarks.objects.count() == 0


def test_an_external_entity_without_a_dtd_subset_is_refused_too(
    pupils_on_roll: list[Child], school: School, xml_file: Callable[[str], Path], run_import: Any
) -> None:
    text = ctf(
        school,
        [(upn(pupils_on_roll[0]), WEEK)],
        prolog='<!DOCTYPE CTfile SYSTEM "http://127.0.0.1:9/ctf.dtd">\n',
    )

    imp = run_import(xml_file(text))

    assert imp.errors[0]["line"] == 2
    assert "DTD" in imp.errors[0]["message"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
    pupils_on_roll: list[Child],
    school: School,
    xml_file: Callable[[str], Path],
    run_import: Any,
) -> None:
    monkeypatch.setattr(importers, "CTF_MAX_BYTES", 500)

    imp = run_import(xml_file(ctf(school, [(upn(pupils_on_roll[0]), WEEK)])))

    assert imp.errors[0]["line"] is None
    assert "Roll Call reads Common Transfer Files of up to" in imp.errors[0]["message"]


def test_a_huge_text_node_is_refused_without_keeping_it(
    pupils_on_roll: list[Child], school: School, xml_file: Callable[[str], Path], run_import: Any
) -> None:
    imp = run_import(xml_file(ctf(school, [(upn(pupils_on_roll[0]), "/" * (importers.CTF_MAX_TEXT + 1))])))

    assert imp.errors[0]["line"] == marks_line(0)
    assert "longer than" in imp.errors[0]["message"]


def test_the_same_ctf_twice_changes_nothing(
    pupils_on_roll: list[Child], school: School, xml_file: Callable[[str], Path], run_import: Any
) -> None:
    path = xml_file(ctf(school, [(upn(pupils_on_roll[0]), WEEK)]))
    first = run_import(path)
    after = stored_marks()

    again = run_import(path)

    assert again.status == AttendanceImport.Status.UNCHANGED
    assert again.summary["same_as"]["id"] == first.pk
    assert stored_marks() == after
