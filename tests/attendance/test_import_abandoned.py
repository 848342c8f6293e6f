"""An import whose process died (a killed command) is failed with a clear message, not left
"Importing" for ever; one still making progress, or waiting its turn, is left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.attendance.models import AttendanceImport
from rollcall.attendance.services import ABANDONED, imports_fail_abandoned
from rollcall.schools.models import School
from tests.attendance.test_import_views import make_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock", "terms")]

RUNNING = AttendanceImport.Status.RUNNING


def test_an_import_silent_for_longer_than_the_limit_fails_and_says_why(
    school: School, school_user: User
) -> None:
    now = clock.now()
    dead = make_import(
        school,
        status=RUNNING,
        started_at=now - dt.timedelta(hours=1),
        progress_at=now - dt.timedelta(minutes=31),
    )
    busy = make_import(
        school,
        status=RUNNING,
        started_at=now - dt.timedelta(hours=1),
        progress_at=now - dt.timedelta(minutes=1),
    )
    waiting = make_import(school, status=AttendanceImport.Status.QUEUED)
    # Started before imports recorded their progress: judged by when it started.
    older = make_import(school, status=RUNNING, started_at=now - dt.timedelta(hours=2), progress_at=None)

    assert imports_fail_abandoned(silent_for=dt.timedelta(minutes=30)) == 2
    assert imports_fail_abandoned(silent_for=dt.timedelta(minutes=30)) == 0  # once

    for row in (dead, busy, waiting):
        row.refresh_from_db()
    assert dead.status == AttendanceImport.Status.FAILED
    assert dead.finished_at == now
    assert dead.errors == [{"line": None, "field": "file", "message": ABANDONED}]
    assert (busy.status, waiting.status) == (RUNNING, AttendanceImport.Status.QUEUED)
    older.refresh_from_db()
    assert older.status == AttendanceImport.Status.FAILED

    client = Client()
    client.force_login(school_user)
    page = client.get(f"/attendance/imports/{dead.pk}/").content.decode()
    assert "The import stopped before it finished" in page
