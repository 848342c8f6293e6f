"""Shared fixtures for the attendance tests: a school with pupils on roll, term dates, and files.

The pupils have UPNs (from the factories) and are on the roll of ``school`` (Moorside Academy)
since September 2024; the council's term dates cover 2025/26 to 2027/28 (``terms``). Uploaded
files go to a temporary MEDIA_ROOT, never to var/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from rollcall.attendance.models import AttendanceImport, PupilMarks
from rollcall.people.models import Child
from rollcall.schools.models import School
from tests import factories

ON_ROLL_SINCE = dt.date(2024, 9, 4)
CSV_HEADER = "upn,school,date,session,code"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def on_roll(school: School, count: int, since: dt.date = ON_ROLL_SINCE) -> list[Child]:
    """``count`` new children with UPNs, on ``school``'s roll since ``since``."""
    children = factories.ChildFactory.create_batch(count)
    for child in children:
        factories.RollEntryFactory.create(child=child, school=school, on_roll_from=since)
    return children


@pytest.fixture
def other_school(db: None) -> School:
    return factories.SchoolFactory.create(name="Brookfield Primary")


@pytest.fixture
def pupils_on_roll(terms: None, school: School) -> list[Child]:
    """Three children on the roll of ``school`` (with the council's term dates loaded)."""
    return on_roll(school, 3)


Row = Sequence[str]


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a CSV of marks: ``csv_file(rows)`` with the header, or raw ``text``/``data``."""
    counter = iter(range(1_000_000))

    def write(
        rows: Iterable[Row] = (),
        *,
        header: str | None = CSV_HEADER,
        text: str | None = None,
        data: bytes | None = None,
        name: str | None = None,
    ) -> Path:
        path = tmp_path / (name or f"marks-{next(counter)}.csv")
        if data is None:
            if text is None:
                lines = ([header] if header is not None else []) + [",".join(row) for row in rows]
                text = "\n".join(lines) + "\n"
            data = text.encode("utf-8")
        path.write_bytes(data)
        return path

    return write


def stored_marks() -> dict[tuple[int, int, int], tuple[str, int | None]]:
    """Every attendance record's marks and last import, to show a failed import changed nothing."""
    return {
        (child, school, year): (marks, last)
        for child, school, year, marks, last in PupilMarks.objects.values_list(
            "child_id", "school_id", "academic_year", "marks", "last_import_id"
        )
    }


@pytest.fixture
def run_import(db: None) -> Callable[..., AttendanceImport]:
    """Store a file as an import (as an upload would) and run it in-process; return it as it ended."""
    from rollcall.attendance.services import import_create, import_run

    def run(
        path: Path,
        *,
        file_format: str | None = None,
        school: School | None = None,
        user: object = None,
    ) -> AttendanceImport:
        fmt = file_format or ("ctf" if path.suffix == ".xml" else "csv")
        with path.open("rb") as content:
            imp = import_create(
                content=content,
                original_name=path.name,
                file_format=fmt,
                uploaded_by=user,  # type: ignore[arg-type]
                school=school,
                enqueue=False,
            )
        return import_run(imp)

    return run
