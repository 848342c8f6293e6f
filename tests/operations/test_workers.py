"""A task whose worker died is handed back to the queue, or failed after its last attempt."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult, get_date_max

from rollcall import clock
from rollcall.operations.models import WorkerBeat
from rollcall.operations.workers import tasks_recover_stale, worker_beat, worker_stopped

pytestmark = pytest.mark.django_db

STALE = dt.timedelta(minutes=2)


def running_task(*worker_ids: str) -> DBTaskResult[..., object]:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="rollcall.casework.tasks.sweep_task",
        backend_name="default",
        run_after=get_date_max(),
        status="RUNNING",
        started_at=clock.now(),
        worker_ids=list(worker_ids),
    )


def later(seconds: float) -> time_machine.travel:
    return time_machine.travel(clock.now() + dt.timedelta(seconds=seconds), tick=False)


def test_a_task_of_a_worker_that_stopped_beating_is_queued_again() -> None:
    worker_beat(worker_id="dead", started_at=clock.now())
    task = running_task("dead")

    with later(121):
        recovery = tasks_recover_stale(stale_after=STALE, max_attempts=3)

    task.refresh_from_db()
    assert recovery.requeued == [str(task.pk)]
    assert task.status == "READY"
    assert task.started_at is None
    assert DBTaskResult.objects.ready().filter(pk=task.pk).exists()


def test_a_task_of_a_worker_that_still_beats_is_left_running() -> None:
    task = running_task("alive")
    with later(121):
        worker_beat(worker_id="alive", started_at=clock.now())
        recovery = tasks_recover_stale(stale_after=STALE, max_attempts=3)

    task.refresh_from_db()
    assert recovery.requeued == recovery.failed == []
    assert task.status == "RUNNING"


def test_a_worker_that_stopped_cleanly_leaves_no_running_task_behind_it() -> None:
    worker_beat(worker_id="stopped", started_at=clock.now())
    task = running_task("stopped")
    worker_stopped(worker_id="stopped")

    recovery = tasks_recover_stale(stale_after=STALE, max_attempts=3)

    assert recovery.requeued == [str(task.pk)]


def test_a_task_of_a_worker_that_never_beat_is_left_alone() -> None:
    task = running_task("plain-db-worker")

    with later(3600):
        recovery = tasks_recover_stale(stale_after=STALE, max_attempts=3)

    task.refresh_from_db()
    assert recovery.requeued == []
    assert task.status == "RUNNING"


def test_a_task_that_lost_its_worker_on_the_last_attempt_fails_instead_of_looping() -> None:
    for name in ("w1", "w2", "w3"):
        worker_beat(worker_id=name, started_at=clock.now())
    task = running_task("w1", "w2", "w3")

    with later(121):
        recovery = tasks_recover_stale(stale_after=STALE, max_attempts=3)

    task.refresh_from_db()
    assert recovery.failed == [str(task.pk)]
    assert task.status == "FAILED"
    assert task.exception_class_path == "rollcall.operations.workers.WorkerLostError"
    assert "attempt 3 of 3" in task.traceback


def test_recovering_twice_requeues_once() -> None:
    worker_beat(worker_id="dead", started_at=clock.now())
    running_task("dead")

    with later(121):
        first = tasks_recover_stale(stale_after=STALE, max_attempts=3)
        second = tasks_recover_stale(stale_after=STALE, max_attempts=3)

    assert len(first.requeued) == 1
    assert second.requeued == []


def test_a_beat_records_the_worker_once_and_moves_its_time() -> None:
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC), tick=False):
        worker_beat(worker_id="w1", started_at=clock.now())
        first = WorkerBeat.objects.get().seen_at
        with later(15):
            worker_beat(worker_id="w1", started_at=clock.now())

    beat = WorkerBeat.objects.get()
    assert beat.seen_at - first == dt.timedelta(seconds=15)
