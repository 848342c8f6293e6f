"""manage.py rollcall_worker: django-tasks-db's ``db_worker`` with a heartbeat.

Takes every ``db_worker`` option. Before taking any task it records itself as alive and requeues
tasks whose worker died (``rollcall.operations.workers``); then a thread keeps doing both every
``WORKER_BEAT_SECONDS``. Run this, not ``db_worker``, in production: only workers that beat can be
recognised as dead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from rollcall.operations.workers import Heartbeat, worker_stopped


class Command(DbWorkerCommand):
    help = "Run a task worker that beats, and takes over the tasks of workers that died."

    def handle(self, *args: Any, **options: Any) -> None:
        heartbeat = Heartbeat(
            worker_id=options["worker_id"],
            every=settings.WORKER_BEAT_SECONDS,
            stale_after=dt.timedelta(seconds=settings.WORKER_STALE_SECONDS),
            max_attempts=settings.TASK_MAX_ATTEMPTS,
        )
        heartbeat.beat_once()
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
            worker_stopped(worker_id=options["worker_id"])
