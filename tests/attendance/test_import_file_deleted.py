"""An uploaded file of marks is deleted from storage once its marks are in (docs/retention.md):
the marks are the record, the file is a copy of every pupil's attendance that nobody needs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage

from rollcall.attendance.models import AttendanceImport
from rollcall.people.models import Child
from rollcall.schools.models import School
from tests.attendance.test_import_csv import MON, rows_for


def _names() -> set[str]:
    _, files = default_storage.listdir("attendance")
    return set(files)


def test_a_file_imported_or_already_imported_is_deleted_and_a_failed_one_kept(
    pupils_on_roll: list[Child], school: School, csv_file: Callable[..., Path], run_import: Any
) -> None:
    first = pupils_on_roll[0]
    path = csv_file(rows_for(first, school, (MON, "AM", "/")))

    imported = run_import(path)
    again = run_import(path)
    failed = run_import(csv_file(rows_for(first, school, (MON, "AM", "not a code"))))

    assert imported.status == AttendanceImport.Status.IMPORTED, imported.errors
    assert again.status == AttendanceImport.Status.UNCHANGED
    assert failed.status == AttendanceImport.Status.FAILED
    stored = dict(AttendanceImport.objects.values_list("pk", "file"))
    assert stored[imported.pk] == ""
    assert stored[again.pk] == ""
    assert stored[failed.pk] != ""
    assert _names() == {Path(stored[failed.pk]).name}  # only the failed file is on disk
