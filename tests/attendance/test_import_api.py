"""The attendance import API: send a file (202 and its URL), then poll it for progress and outcome.

These tests run with this module as the URLconf: the site's URLs, with the two attendance API
routes added under /api/ if rollcall/api/urls.py does not have them yet (the lead wires them).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from rollcall.accounts.models import Team, User
from rollcall.attendance.models import AttendanceImport, PupilMarks
from rollcall.people.models import Child
from rollcall.rules.workflow import Role
from rollcall.schools.models import School
from tests import factories
from tests.api_tokens import token_for
from tests.attendance.conftest import on_roll

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("frozen_clock", "terms"),
]

LIST = "/api/v1/attendance/imports/"


@pytest.fixture
def token_client() -> Callable[[User], APIClient]:
    def make(user: User) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return client

    return make


def upload(rows: list[tuple[Child, School, str, str, str]], name: str = "marks.csv") -> io.BytesIO:
    lines = ["upn,school,date,session,code"] + [
        f"{child.upn},{school.urn},{day},{session},{code}" for child, school, day, session, code in rows
    ]
    data = io.BytesIO(("\n".join(lines) + "\n").encode())
    data.name = name
    return data


def test_a_school_sends_a_file_and_gets_202_with_the_import_url_then_polls_it(
    school: School,
    school_user: User,
    token_client: Callable[[User], APIClient],
    django_capture_on_commit_callbacks: Any,
) -> None:
    child = on_roll(school, 1)[0]
    client = token_client(school_user)

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            LIST, {"file": upload([(child, school, "2026-09-07", "AM", "/")])}, format="multipart"
        )

    assert sent.status_code == 202, sent.content
    imp = AttendanceImport.objects.get()
    assert sent["Location"] == sent.json()["url"] == f"/api/v1/attendance/imports/{imp.pk}/"
    assert imp.school == school
    assert imp.uploaded_by == school_user
    assert imp.format == "csv"
    # The task ran (tests run tasks immediately); the detail shows how it ended.
    body = client.get(sent["Location"]).json()
    assert body["status"] == "imported"
    assert body["rows_read"] == body["rows_total"] == 1
    assert body["seconds_left"] == 0
    assert "rate" in body  # none here: the frozen clock makes the import take no time
    assert body["error_count"] == 0
    assert body["errors"] == []
    assert body["summary"]["marks_added"] == 1
    assert PupilMarks.objects.filter(child=child, school=school).exists()


def test_a_file_with_errors_reports_the_first_fifty_and_the_total(
    school: School,
    school_user: User,
    token_client: Callable[[User], APIClient],
    django_capture_on_commit_callbacks: Any,
) -> None:
    child = on_roll(school, 1)[0]
    client = token_client(school_user)
    rows = [(child, school, "2026-09-07", "AM", f"Q{n}") for n in range(60)]

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(LIST, {"file": upload(rows)}, format="multipart")
    body = client.get(sent["Location"]).json()

    assert body["status"] == "failed"
    assert body["error_count"] == 60
    assert len(body["errors"]) == 50
    assert body["errors"][0] == {
        "line": 2,
        "field": "code",
        "message": '"Q0" is not a national attendance code',
    }
    assert body["seconds_left"] is None
    assert PupilMarks.objects.count() == 0


def test_a_ctf_is_recognised_by_its_name(
    school: School, school_user: User, token_client: Callable[[User], APIClient]
) -> None:
    data = io.BytesIO(b"<CTfile/>")
    data.name = "transfer.xml"

    sent = token_client(school_user).post(LIST, {"file": data}, format="multipart")

    assert sent.status_code == 202
    assert AttendanceImport.objects.get().format == "ctf"


def test_council_staff_may_limit_a_file_to_one_school(
    school: School, admissions_officer: User, token_client: Callable[[User], APIClient]
) -> None:
    child = on_roll(school, 1)[0]
    rows = [(child, school, "2026-09-07", "AM", "/")]

    sent = token_client(admissions_officer).post(
        LIST, {"file": upload(rows), "format": "csv", "school": school.urn}, format="multipart"
    )
    unknown = token_client(admissions_officer).post(
        LIST, {"file": upload(rows), "school": "000000"}, format="multipart"
    )

    assert sent.status_code == 202
    assert AttendanceImport.objects.get().school == school
    assert unknown.status_code == 400
    assert "school" in unknown.json()


def test_without_a_file_nothing_is_stored(
    school_user: User, token_client: Callable[[User], APIClient]
) -> None:
    response = token_client(school_user).post(LIST, {"format": "csv"}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()
    assert AttendanceImport.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "team"),
    [(Role.OFFICER, Team.Kind.SEN), (Role.MANAGER, Team.Kind.SEN), (Role.READER, None)],
    ids=["SEN officer", "SEN manager", "reports reader"],
)
def test_people_who_do_not_import_are_refused(
    teams: dict[str, Team], token_client: Callable[[User], APIClient], role: Role, team: str | None
) -> None:
    if team:
        user = factories.staff(role, team)
    else:
        user = factories.UserFactory.create()
        user.memberships.create(role=role.value)
    client = token_client(user)

    assert client.post(LIST, {"file": upload([])}, format="multipart").status_code == 403
    assert client.get(LIST).status_code == 403
    assert AttendanceImport.objects.count() == 0


def test_an_unauthenticated_client_gets_401() -> None:
    assert APIClient().get(LIST).status_code == 401


def test_a_school_sees_only_its_own_imports(
    school: School,
    other_school: School,
    school_user: User,
    inclusion_officer: User,
    token_client: Callable[[User], APIClient],
) -> None:
    other_user = factories.school_user(other_school)
    theirs = token_client(other_user).post(LIST, {"file": upload([])}, format="multipart")["Location"]
    mine = token_client(school_user).post(LIST, {"file": upload([])}, format="multipart")["Location"]
    client = token_client(school_user)

    listed = client.get(LIST).json()

    assert [item["url"] for item in listed["results"]] == [mine]
    assert client.get(theirs).status_code == 404
    council = token_client(inclusion_officer).get(LIST).json()
    assert {item["url"] for item in council["results"]} == {mine, theirs}


def test_progress_shows_rate_and_time_left_while_running(
    school: School, school_user: User, token_client: Callable[[User], APIClient], frozen_clock: Any
) -> None:
    from rollcall import clock

    imp = AttendanceImport.objects.create(
        format="csv",
        file="attendance/x.csv",
        original_name="x.csv",
        sha256="0" * 64,
        school=school,
        created_at=clock.now(),
        status=AttendanceImport.Status.RUNNING,
        started_at=clock.now() - dt.timedelta(seconds=10),
        rows_read=1_000_000,
        rows_total=4_000_000,
    )

    body = token_client(school_user).get(f"{LIST}{imp.pk}/").json()

    assert body["status"] == "running"
    assert body["rate"] == 100_000.0
    assert body["seconds_left"] == 30.0
