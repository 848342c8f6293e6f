"""Task workers that can die: heartbeats, and handing a dead worker's task to a live one.

django-tasks-db marks a task RUNNING when a worker claims it and only the same worker ever marks
it finished, so a worker killed mid-task (SIGKILL, out of memory, a lost machine) would leave the
task "running" forever. ``rollcall_worker`` therefore beats (``WorkerBeat``) from a thread every
few seconds, and every live worker looks for RUNNING tasks whose worker has stopped beating:
such a task goes back to READY for another attempt, or is marked FAILED once it has used up its
attempts (a task that kills every worker that runs it must not loop for ever).

A retried task must be safe to run again. Roll Call's are: the sweep is idempotent by design,
e-mails are claimed per message, and an attendance import writes its marks and its status in one
transaction, so a worker killed before the commit left nothing behind (see
``attendance.tasks.attendance_import_task``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from rollcall import clock
from rollcall.attendance.services import imports_fail_abandoned
from rollcall.operations.models import WorkerBeat

logger = logging.getLogger(__name__)

RUNNING = "RUNNING"
READY = "READY"
FAILED = "FAILED"


class WorkerLostError(Exception):
    """Recorded on a task whose worker stopped beating on its last allowed attempt."""


@dataclass
class Recovery:
    """What one look for stale tasks did: task ids put back in the queue, and ids given up on."""

    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def worker_beat(*, worker_id: str, started_at: dt.datetime) -> None:
    """Record that this worker process is alive now (an upsert on the worker id)."""
    now = clock.now()
    updated = WorkerBeat.objects.filter(worker_id=worker_id).update(seen_at=now, stopped_at=None)
    if not updated:
        WorkerBeat.objects.get_or_create(
            worker_id=worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": started_at,
                "seen_at": now,
            },
        )


def worker_stopped(*, worker_id: str) -> None:
    """Record a clean stop, so the worker no longer counts as alive."""
    WorkerBeat.objects.filter(worker_id=worker_id).update(stopped_at=clock.now())


def workers_alive(*, within: dt.timedelta) -> int:
    """How many workers have beaten within ``within`` and not stopped."""
    return WorkerBeat.objects.filter(seen_at__gte=clock.now() - within, stopped_at__isnull=True).count()


def tasks_recover_stale(*, stale_after: dt.timedelta, max_attempts: int) -> Recovery:
    """Requeue (or, after ``max_attempts``, fail) every RUNNING task whose worker has stopped beating.

    Only workers that beat are judged: a task claimed by a worker with no ``WorkerBeat`` row (a
    plain ``db_worker``) is left alone, since nothing says whether it is alive. Each task is
    claimed back with a conditional update on the ``started_at`` its dead attempt set, so two
    live workers recovering at once, or a task that was legitimately retried in between, never
    requeue the same attempt twice.
    """
    cutoff = clock.now() - stale_after
    beats = dict(WorkerBeat.objects.values_list("worker_id", "seen_at"))
    stopped = set(WorkerBeat.objects.filter(stopped_at__isnull=False).values_list("worker_id", flat=True))
    recovery = Recovery()
    running = DBTaskResult.objects.filter(status=RUNNING).values_list("pk", "worker_ids", "started_at")
    for pk, worker_ids, started_at in running:
        last = worker_ids[-1] if worker_ids else None
        if last not in beats:
            continue
        if beats[last] >= cutoff and last not in stopped:
            continue
        attempts = len(worker_ids)
        claimed = DBTaskResult.objects.filter(pk=pk, status=RUNNING, started_at=started_at)
        with transaction.atomic():
            if attempts >= max_attempts:
                done = claimed.update(
                    status=FAILED,
                    finished_at=clock.now(),
                    exception_class_path=f"{WorkerLostError.__module__}.{WorkerLostError.__qualname__}",
                    traceback=(
                        f"The worker running this task stopped on attempt {attempts} of {max_attempts}; "
                        "Roll Call gave up on it. Look at the worker's log for why it died."
                    ),
                )
                if done:
                    recovery.failed.append(str(pk))
            elif claimed.update(status=READY, started_at=None):
                recovery.requeued.append(str(pk))
    for task_id in recovery.requeued:
        logger.warning("Task %s was running on a worker that stopped; queued again.", task_id)
    for task_id in recovery.failed:
        logger.error("Task %s was running on a worker that stopped, for the last time; failed.", task_id)
    return recovery


class Heartbeat(threading.Thread):
    """Beats for one worker process and looks for stale tasks, from a daemon thread.

    A thread, not the worker loop, so a long task (a 2 GB import) keeps its worker alive; the
    thread dies with its process, which is exactly when the beating must stop.
    """

    def __init__(self, *, worker_id: str, every: float, stale_after: dt.timedelta, max_attempts: int) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.stale_after = stale_after
        self.max_attempts = max_attempts
        self.started_at = clock.now()
        self.stopping = threading.Event()

    def beat_once(self) -> None:
        worker_beat(worker_id=self.worker_id, started_at=self.started_at)
        tasks_recover_stale(stale_after=self.stale_after, max_attempts=self.max_attempts)
        imports_fail_abandoned(silent_for=dt.timedelta(minutes=settings.IMPORT_SILENT_MINUTES))

    def run(self) -> None:
        while not self.stopping.wait(self.every):
            try:
                self.beat_once()
            except Exception:
                # The database may be restarting: keep beating, the next beat will get through.
                logger.exception("Worker heartbeat failed")
            finally:
                connection.close()

    def stop(self) -> None:
        self.stopping.set()
