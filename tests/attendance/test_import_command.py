"""manage.py attendance_import: import a file now, with a progress bar, a summary or an error report."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rollcall.attendance.models import AttendanceImport, PupilMarks
from rollcall.people.models import Child
from rollcall.schools.models import School
from tests.attendance.conftest import on_roll

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("attendance_import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_file_with_a_progress_bar_and_prints_the_summary(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path]
) -> None:
    child = pupils_on_roll[0]
    path = csv_file(
        [
            [child.upn or "", school.urn, "2026-09-07", "AM", "/"],
            [child.upn or "", school.urn, "2026-09-07", "PM", "\\"],
        ]
    )

    out, err = run(str(path))

    imp = AttendanceImport.objects.get()
    assert imp.status == AttendanceImport.Status.IMPORTED
    assert imp.uploaded_by is None
    assert imp.school is None
    assert "100%" in err
    assert "2 of about 2 rows" in err
    assert "rows/s" in err
    assert "ETA" in err
    assert f"Imported {path.name} (import {imp.pk}): 2 rows read." in out
    assert "Pupils: 1" in out
    assert "Marks added: 2; replaced: 0; unchanged: 0" in out
    assert PupilMarks.objects.get().child == child


def test_a_bad_file_prints_each_error_as_line_field_reason_and_exits_with_status_one(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path]
) -> None:
    child = pupils_on_roll[0]
    path = csv_file(
        [
            [child.upn or "", school.urn, "2026-09-07", "AM", "/"],
            [child.upn or "", school.urn, "2026-09-12", "AM", "/"],
            [child.upn or "", school.urn, "2026-09-07", "XX", "Q9"],
        ]
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"was not imported: 3 errors\. Nothing was stored") as raised:
        call_command("attendance_import", str(path), stdout=io.StringIO(), stderr=err)

    assert raised.value.returncode == 1
    lines = [line for line in err.getvalue().splitlines() if line[:1].isdigit()]
    assert lines == [
        "3: date: Saturday 12 September 2026 is not a school day: it is a weekend. Only # may be recorded on it",
        '4: session: "XX" is not AM or PM',
        '4: code: "Q9" is not a national attendance code',
    ]
    assert PupilMarks.objects.count() == 0


def test_the_same_file_twice_says_nothing_changed(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path]
) -> None:
    path = csv_file([[pupils_on_roll[0].upn or "", school.urn, "2026-09-07", "AM", "/"]])
    run(str(path))
    first = AttendanceImport.objects.get()

    out, _ = run(str(path))

    assert f"Already imported as import {first.pk}" in out
    assert "nothing changed" in out


def test_school_limits_the_file_to_one_school(
    pupils_on_roll: list[Child], school: School, other_school: School, csv_file: Callable[..., Path]
) -> None:
    stranger = on_roll(other_school, 1)[0]
    path = csv_file([[stranger.upn or "", other_school.urn, "2026-09-07", "AM", "/"]])

    with pytest.raises(CommandError):
        call_command(
            "attendance_import", str(path), "--school", school.urn, stdout=io.StringIO(), stderr=io.StringIO()
        )

    imp = AttendanceImport.objects.get()
    assert imp.school == school
    assert imp.errors[0]["field"] == "school"


def test_a_ctf_is_read_as_xml_by_its_name_or_by_format(
    pupils_on_roll: list[Child], school: School, tmp_path: Path
) -> None:
    path = tmp_path / "transfer.dat"
    path.write_text("<CTfile><Header/></CTfile>")

    with pytest.raises(CommandError):
        call_command(
            "attendance_import", str(path), "--format", "ctf", stdout=io.StringIO(), stderr=io.StringIO()
        )

    assert AttendanceImport.objects.get().format == "ctf"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/file.csv"], "There is no file"),
        (["{path}", "--school", "000000"], "No school has the URN 000000"),
    ],
    ids=["missing file", "unknown school"],
)
def test_it_refuses_a_missing_file_or_an_unknown_school(
    terms: None, csv_file: Callable[..., Path], args: list[str], message: str
) -> None:
    path = csv_file([])

    with pytest.raises(CommandError, match=message):
        call_command("attendance_import", *[a.format(path=path) for a in args], stdout=io.StringIO())

    assert AttendanceImport.objects.count() == 0
