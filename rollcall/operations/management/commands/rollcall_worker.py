"""manage.py rollcall_worker: django-tasks-db's ``db_worker`` with a heartbeat.

Takes every ``db_worker`` option. Before taking any task it records itself as alive and requeues
tasks whose worker died (``rollcall.operations.workers``); then a thread keeps doing both every
``WORKER_BEAT_SECONDS``. Run this, not ``db_worker``, in production: only workers that beat can be
recognised as dead.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from rollcall.operations.workers import Heartbeat, worker_stopped

logger = logging.getLogger(__name__)
# While the database cannot be reached, the worker waits this long, doubling up to the most.
RETRY_FIRST_SECONDS, RETRY_MOST_SECONDS = 1.0, 30.0


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
            self._run_through_outages(*args, **options)
        finally:
            heartbeat.stop()
            try:
                worker_stopped(worker_id=options["worker_id"])
            except DatabaseError:
                logger.warning(
                    "Could not record that worker %s stopped: the database is unreachable",
                    options["worker_id"],
                )

    def _run_through_outages(self, *args: Any, **options: Any) -> None:
        """db_worker's loop, started again when the database goes away (a restart, a failover)
        instead of the process exiting and taking the others with it. A stop signal still stops
        it at once: db_worker's handler exits even while this waits."""
        wait = RETRY_FIRST_SECONDS
        while True:
            started = time.monotonic()
            try:
                super().handle(*args, **options)
                return
            except (OperationalError, InterfaceError) as error:
                if time.monotonic() - started > RETRY_MOST_SECONDS:
                    wait = RETRY_FIRST_SECONDS  # it had been working: a new outage
                logger.warning(
                    "The database cannot be reached (%s); the worker tries again in %.0f s",
                    type(error).__name__,
                    wait,
                )
                connections.close_all()
                time.sleep(wait)
                wait = min(wait * 2, RETRY_MOST_SECONDS)
