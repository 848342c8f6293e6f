"""A full disk during an upload (issue 14): a clear error, and nothing half-saved.

The fault is real, not a mock (the ``disk_full`` fixture in tests/conftest.py): writing the
uploaded file fails part-way with an operating-system error, as it does when the disk fills.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rollcall.accounts.models import User
from rollcall.attendance.models import AttendanceImport
from rollcall.schools.models import School

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock", "terms")]


def big_csv(school: School) -> SimpleUploadedFile:
    rows = [f"A{n:012d},{school.urn},2026-09-07,AM,/" for n in range(400)]  # about 12 KB
    return SimpleUploadedFile("marks.csv", ("upn,school,date,session,code\n" + "\n".join(rows)).encode())


def stored_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_the_upload_page_says_the_file_could_not_be_stored_and_keeps_nothing(
    school: School, school_user: User, disk_full: None
) -> None:
    client = Client()
    client.force_login(school_user)

    response = client.post("/attendance/imports/new/", {"file": big_csv(school), "file_format": "csv"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "The file could not be stored: the server has no room for it. Nothing was saved." in page
    assert AttendanceImport.objects.count() == 0
    assert stored_files() == []


def test_the_api_answers_503_and_keeps_nothing(school: School, school_user: User, disk_full: None) -> None:
    client = Client()
    client.force_login(school_user)

    response: Any = client.post("/api/v1/attendance/imports/", {"file": big_csv(school), "format": "csv"})

    assert response.status_code == 503
    assert "Nothing was saved" in response.json()["detail"]
    assert AttendanceImport.objects.count() == 0
    assert stored_files() == []


def test_a_small_file_still_goes_through_under_the_same_limit(
    school: School, school_user: User, disk_full: None
) -> None:
    client = Client()
    client.force_login(school_user)
    small = SimpleUploadedFile("marks.csv", b"upn,school,date,session,code\n")

    response = client.post("/attendance/imports/new/", {"file": small, "file_format": "csv"})

    assert response.status_code == 302
    assert AttendanceImport.objects.count() == 1
