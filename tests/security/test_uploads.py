"""Uploads judged by content and by the sender's limit, before anything is stored."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from rollcall import uploads
from rollcall.actionplans.models import evidence_file_problem
from rollcall.attendance import services as attendance
from rollcall.attendance.models import AttendanceImport
from rollcall.policies.models import validate_policy_file
from tests.factories import school_user


def _office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(part, "<x/>")
    return buffer.getvalue()


SAMPLES = {
    uploads.PDF: b"%PDF-1.7\n...",
    uploads.PNG: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    uploads.JPEG: b"\xff\xd8\xff\xe0\x00\x10JFIF",
    uploads.DOCX: _office("word/document.xml"),
    uploads.XLSX: _office("xl/workbook.xml"),
    uploads.CSV: b"upn,school,date,session,code\nA123,100001,2026-12-01,AM,/\n",
    uploads.XML: b'\xef\xbb\xbf<?xml version="1.0"?><CTfile/>',
}
HOSTILE = {
    "an HTML page": b"<!doctype html><script>alert(1)</script>",
    "a Windows program": b"MZ\x90\x00\x03\x00\x00\x00",
    "a zip that is not Office": _office("payload.sh"),
    "a broken zip": b"PK\x03\x04broken",
    "binary with NULs": b"\x00\x01\x02\x03",
}


@pytest.mark.parametrize(("kind", "content"), SAMPLES.items())
def test_each_kind_is_known_by_its_content(kind: str, content: bytes) -> None:
    f = io.BytesIO(content)
    assert uploads.sniff(f) == kind
    assert f.tell() == 0


def test_an_html_page_is_only_ever_markup_text() -> None:
    assert uploads.sniff(io.BytesIO(HOSTILE["an HTML page"])) == uploads.XML


@pytest.mark.parametrize(
    "name", ["a Windows program", "a zip that is not Office", "a broken zip", "binary with NULs"]
)
def test_binary_files_of_no_known_kind_are_none(name: str) -> None:
    assert uploads.sniff(io.BytesIO(HOSTILE[name])) is None


@pytest.mark.parametrize(("name", "content"), HOSTILE.items())
def test_a_hostile_file_named_pdf_is_refused_as_policy_and_as_evidence(name: str, content: bytes) -> None:
    with pytest.raises(ValidationError, match="content is not a PDF"):
        validate_policy_file(SimpleUploadedFile("policy.pdf", content))  # type: ignore[arg-type]
    problem = evidence_file_problem("minutes.pdf", len(content), io.BytesIO(content))
    assert problem.startswith("The file's content is not a PDF")


def test_a_png_named_jpg_is_refused_as_evidence_and_a_real_one_accepted() -> None:
    png = SAMPLES[uploads.PNG]
    assert "not a JPEG image" in evidence_file_problem("photo.jpg", len(png), io.BytesIO(png))
    assert evidence_file_problem("photo.png", len(png), io.BytesIO(png)) == ""
    docx = SAMPLES[uploads.DOCX]
    validate_policy_file(SimpleUploadedFile("policy.docx", docx))  # type: ignore[arg-type]


@pytest.mark.django_db
@override_settings(ATTENDANCE_UPLOAD_MAX_BYTES_SCHOOL=64, ATTENDANCE_UPLOAD_MAX_BYTES_COUNCIL=4096)
def test_a_school_file_over_the_school_limit_is_refused_before_it_is_stored() -> None:
    sender = school_user()
    content = SAMPLES[uploads.CSV] * 3  # more than 64 bytes, less than 4096
    with pytest.raises(attendance.UploadRefused, match="smaller than 64 bytes"):
        attendance.import_create(
            content=io.BytesIO(content),
            original_name="marks.csv",
            file_format=AttendanceImport.Format.CSV,
            uploaded_by=sender,
            enqueue=False,
        )
    assert AttendanceImport.objects.count() == 0


@pytest.mark.django_db
@override_settings(ATTENDANCE_UPLOAD_MAX_BYTES_SCHOOL=64, ATTENDANCE_UPLOAD_MAX_BYTES_COUNCIL=4096)
def test_the_api_answers_413_to_a_school_file_over_the_limit_and_a_council_officer_may_send_it() -> None:
    from django.test import Client

    from tests.factories import staff

    content = SAMPLES[uploads.CSV] * 3
    client = Client()
    client.force_login(school_user())
    response = client.post(
        "/api/v1/attendance/imports/", {"file": SimpleUploadedFile("marks.csv", content), "format": "csv"}
    )
    assert response.status_code == 413
    assert "smaller than" in response.json()["file"][0]
    assert AttendanceImport.objects.count() == 0
    officer = attendance.upload_limit(staff())
    assert officer == 4096
