"""A task worker killed with SIGKILL mid-import: after a restart the import completes, once.

Real processes on PostgreSQL (the test database, committed data): ``manage.py rollcall_worker``
is started, killed with SIGKILL while the import is running, and a second worker started. The
second worker's heartbeat finds the first one silent, queues the task again, runs it, and the
retried attempt takes back the import its dead predecessor had claimed.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from rollcall.attendance.models import AttendanceImport, PupilMarks
from rollcall.attendance.services import import_create
from rollcall.casework.calendar import council_calendar
from rollcall.schools.models import School
from tests.attendance.conftest import CSV_HEADER, on_roll

ROOT = Path(__file__).resolve().parents[2]
PUPILS = 600

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="real worker processes need a database server they can share (make test-postgres)",
    ),
]


def start_worker(worker_id: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rollcall.settings",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "test-only-secret-key-for-the-worker-process",
        "ROLLCALL_VAR_DIR": str(tmp_path),  # MEDIA_ROOT = tmp_path/media, where the file is
        "WORKER_BEAT_SECONDS": "1",
        "WORKER_STALE_SECONDS": "3",
        "LOG_FORMAT": "text",
    }
    command = [sys.executable, str(ROOT / "manage.py"), "rollcall_worker", "--no-reload"]
    command += ["--no-startup-delay", "--interval", "0.2", "--worker-id", worker_id]
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        command, env=env, stdout=(tmp_path / f"{worker_id}.log").open("wb"), stderr=subprocess.STDOUT
    )


def wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_an_import_whose_worker_was_killed_completes_exactly_once_after_a_restart(
    settings: Any, tmp_path: Path, terms: None, school: School
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    children = on_roll(school, PUPILS)
    days = council_calendar().school_days_in(dt.date(2026, 9, 1), dt.date(2026, 11, 13))
    rows = [
        f"{child.upn},{school.urn},{day.isoformat()},{session},/"
        for child in children
        for day in days
        for session in ("AM", "PM")
    ]
    path = tmp_path / "marks.csv"
    path.write_text("\n".join([CSV_HEADER, *rows]) + "\n")
    with path.open("rb") as content:
        imp = import_create(
            content=content, original_name="marks.csv", file_format="csv", uploaded_by=None, school=school
        )
    task = DBTaskResult.objects.get()

    first = start_worker("worker-killed", tmp_path)
    try:
        wait_for(
            lambda: AttendanceImport.objects.get(pk=imp.pk).status == AttendanceImport.Status.RUNNING,
            60,
            "the first worker to start the import",
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    imp.refresh_from_db()
    task.refresh_from_db()
    # Killed mid-import: the task and the import were both left "running", nothing stored.
    assert imp.status == AttendanceImport.Status.RUNNING, "the import finished before the kill"
    assert task.status == "RUNNING"
    assert not PupilMarks.objects.exists()

    second = start_worker("worker-restarted", tmp_path)
    try:
        wait_for(lambda: DBTaskResult.objects.get().status in {"SUCCESSFUL", "FAILED"}, 120, "the retry")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)

    task.refresh_from_db()
    imp.refresh_from_db()
    assert task.status == "SUCCESSFUL", task.traceback
    assert task.worker_ids == ["worker-killed", "worker-restarted"]
    assert imp.status == AttendanceImport.Status.IMPORTED
    assert imp.summary["marks_added"] == len(rows)
    assert PupilMarks.objects.count() == PUPILS
    assert AttendanceImport.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
