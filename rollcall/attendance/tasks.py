"""Background work for attendance: running an uploaded file's import in the task worker."""

from __future__ import annotations

from django_tasks import TaskContext, task

from rollcall.attendance.models import AttendanceImport


@task(takes_context=True)
def attendance_import_task(context: TaskContext, import_id: int) -> dict[str, object]:
    """Run one queued import (``services.import_run``); returns its outcome for the task result.

    Safe to run twice: ``import_run`` claims the import with a conditional update, so a second
    run (two workers) finds it no longer queued and does nothing. A later attempt of the task
    is different: it only exists because the worker running the earlier one died
    (``operations.workers.tasks_recover_stale``), and that worker's claim would otherwise leave
    the import "importing" for ever, so the attempt puts the import back in the queue first.
    """
    from rollcall.attendance.services import import_requeue_abandoned, import_run

    if context.attempt > 1:
        import_requeue_abandoned(import_id=import_id)
    imp = import_run(AttendanceImport.objects.get(pk=import_id))
    return {"import": imp.pk, "status": imp.status, "error_count": imp.error_count}
