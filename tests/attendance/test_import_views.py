"""The import pages: send a file, watch it import (with or without JavaScript), read the outcome."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.attendance.models import AttendanceImport, PupilMarks
from rollcall.rules.workflow import Role
from rollcall.schools.models import School
from tests import factories
from tests.attendance.conftest import on_roll

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("frozen_clock", "terms"),
]

NEW = "/attendance/imports/new/"
LIST = "/attendance/imports/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_upload(
    school: School, rows: list[tuple[str, str, str, str]], name: str = "marks.csv"
) -> SimpleUploadedFile:
    lines = ["upn,school,date,session,code"] + [f"{upn},{school.urn},{d},{s},{c}" for upn, d, s, c in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def summary_value(page: str, key: str) -> str:
    """The value beside ``key`` in a GOV.UK summary list."""
    found = re.search(rf"{re.escape(key)}\s*</dt>\s*<dd[^>]*>(.*?)</dd>", page)
    assert found, f"no {key!r} in the summary list"
    return found.group(1).strip()


def test_a_school_user_sends_a_file_and_sees_what_it_stored(
    school: School, school_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    child = on_roll(school, 1)[0]
    client = signed_in(school_user)
    assert client.get(NEW).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            NEW,
            {"file": csv_upload(school, [(child.upn or "", "2026-09-07", "AM", "/")]), "file_format": "csv"},
        )

    imp = AttendanceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/attendance/imports/{imp.pk}/"
    page = text(client.get(response["Location"]))
    assert "Your file was imported" in page
    assert summary_value(page, "Marks added") == "1"
    assert imp.school == school
    assert PupilMarks.objects.get().child == child


def test_the_form_asks_for_a_file_and_checks_its_kind(school_user: User) -> None:
    client = signed_in(school_user)

    missing = client.post(NEW, {"file_format": "csv"})
    mismatched = client.post(
        NEW, {"file": SimpleUploadedFile("transfer.xml", b"<CTfile/>"), "file_format": "csv"}
    )

    assert "Select the file of attendance marks" in text(missing)
    assert "govuk-error-summary" in text(missing)
    assert "The file is XML: choose Common Transfer File" in text(mismatched)
    assert AttendanceImport.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "team"),
    [(Role.OFFICER, Team.Kind.SEN), (Role.MANAGER, Team.Kind.HEADS), (Role.READER, None)],
    ids=["SEN officer", "heads team manager", "reports reader"],
)
def test_people_who_do_not_import_are_refused(teams: dict[str, Team], role: Role, team: str | None) -> None:
    if team:
        user = factories.staff(role, team)
    else:
        user = factories.UserFactory.create()
        user.memberships.create(role=role.value)
    client = signed_in(user)

    assert client.get(NEW).status_code == 403
    assert client.get(LIST).status_code == 403
    assert (
        client.post(NEW, {"file": SimpleUploadedFile("a.csv", b"x"), "file_format": "csv"}).status_code == 403
    )
    assert AttendanceImport.objects.count() == 0


@pytest.mark.parametrize("kind", [Team.Kind.INCLUSION, Team.Kind.ACCESS, Team.Kind.ADMISSIONS])
def test_the_inclusion_access_and_admissions_teams_import_council_wide(
    teams: dict[str, Team], kind: str
) -> None:
    user = factories.staff(Role.OFFICER, kind)

    response = signed_in(user).get(NEW)

    assert response.status_code == 200
    assert "A council file may hold marks for any of the council" in text(response)


def make_import(school: School | None, **fields: Any) -> AttendanceImport:
    values: dict[str, Any] = {
        "format": "csv",
        "file": "attendance/x.csv",
        "original_name": "autumn.csv",
        "sha256": "0" * 64,
        "school": school,
        "created_at": clock.now(),
    }
    return AttendanceImport.objects.create(**(values | fields))


def test_a_running_import_shows_rows_rate_and_time_left_and_works_without_javascript(
    school: School, school_user: User
) -> None:
    imp = make_import(
        school,
        status=AttendanceImport.Status.RUNNING,
        started_at=clock.now() - dt.timedelta(seconds=20),
        rows_read=2_000_000,
        rows_total=38_000_000,
    )

    response = signed_in(school_user).get(f"/attendance/imports/{imp.pk}/")

    page = text(response)
    assert "Importing your file" in page
    assert "2,000,000 of about 38,000,000" in page
    assert "100,000 rows a second" in page
    assert "about 6 minutes" in page  # 36 million rows at 100,000 a second
    assert f'data-status-url="/api/v1/attendance/imports/{imp.pk}/"' in page
    assert 'aria-live="polite"' in page
    assert f'<a class="govuk-link" href="/attendance/imports/{imp.pk}/">Refresh this page</a>' in page
    assert "attendance/import_progress.js" in page


def test_a_failed_import_lists_its_errors_by_line_a_page_at_a_time(school: School, school_user: User) -> None:
    errors = [
        {"line": n, "field": "code", "message": f'"Q{n}" is not a national attendance code'}
        for n in range(2, 62)
    ]
    imp = make_import(
        school, status=AttendanceImport.Status.FAILED, errors=errors, error_count=700, finished_at=clock.now()
    )
    client = signed_in(school_user)

    first = text(client.get(f"/attendance/imports/{imp.pk}/"))
    second = text(client.get(f"/attendance/imports/{imp.pk}/?page=2"))

    assert "Your file was not imported" in first
    assert "Nothing from this file was stored" in first
    assert "The file has 700 errors; the first 60 are listed" in first
    assert '"Q2" is not a national attendance code' in first
    assert '"Q51" is not a national attendance code' in first
    assert '"Q52" is not' not in first
    assert "?page=2" in first
    assert '"Q52" is not a national attendance code' in second
    assert '"Q51" is not' not in second


def test_the_summary_names_the_earlier_import_whose_marks_were_replaced(
    school: School, school_user: User, csv_file: Callable[..., Path], run_import: Any
) -> None:
    child = on_roll(school, 1)[0]
    upn = child.upn or ""
    first = run_import(csv_file([[upn, school.urn, "2026-09-07", "AM", "N"]]), user=school_user)
    newer = run_import(csv_file([[upn, school.urn, "2026-09-07", "AM", "M"]]), user=school_user)
    again = run_import(csv_file([[upn, school.urn, "2026-09-07", "AM", "M"]]), user=school_user)
    client = signed_in(school_user)

    page = text(client.get(f"/attendance/imports/{newer.pk}/"))
    unchanged = text(client.get(f"/attendance/imports/{again.pk}/"))

    assert summary_value(page, "Marks replaced") == "1"
    assert "The replaced marks came from" in page
    assert f'<a class="govuk-link" href="/attendance/imports/{first.pk}/">{first.original_name}</a>' in page
    assert "This file was already imported" in unchanged
    assert f'href="/attendance/imports/{newer.pk}/"' in unchanged


def test_the_summary_shows_the_prompts_the_marks_raised(school: School, school_user: User) -> None:
    prompts = {"missing": {"found": 2, "cases_opened": 1, "cases_updated": 1, "messages": 1}}
    imp = make_import(
        school,
        status=AttendanceImport.Status.IMPORTED,
        finished_at=clock.now(),
        summary={"pupils": 2, "marks_added": 40, "evaluation": {"prompts": prompts}},
    )

    page = text(signed_in(school_user).get(f"/attendance/imports/{imp.pk}/"))

    assert "10 school days in a row without a reason (child missing education)" in page
    assert "Illness on 15" not in page


def test_a_school_sees_only_its_own_imports(school: School, other_school: School, school_user: User) -> None:
    mine = make_import(school, original_name="ours.csv")
    theirs = make_import(other_school, original_name="theirs.csv")
    council = make_import(None, original_name="council.csv")
    client = signed_in(school_user)

    listed = text(client.get(LIST))

    assert "ours.csv" in listed
    assert "theirs.csv" not in listed
    assert "council.csv" not in listed
    assert client.get(f"/attendance/imports/{mine.pk}/").status_code == 200
    assert client.get(f"/attendance/imports/{theirs.pk}/").status_code == 404
    assert client.get(f"/attendance/imports/{council.pk}/").status_code == 404


def test_the_list_takes_the_same_number_of_queries_however_many_imports(
    school: School, inclusion_officer: User, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(inclusion_officer)
    for n in range(3):
        make_import(school, original_name=f"file-{n}.csv", uploaded_by=inclusion_officer)
    client.get(LIST)  # warm up the session and the user's memberships
    with django_assert_max_num_queries(10) as few:
        client.get(LIST)
    for n in range(30):
        make_import(school, original_name=f"more-{n}.csv", uploaded_by=inclusion_officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert "more-29.csv" in text(response)
