"""Background work for attendance: running an uploaded file's import in the task worker."""

from __future__ import annotations

from django_tasks import task

from rollcall.attendance.models import AttendanceImport


@task()
def attendance_import_task(import_id: int) -> dict[str, object]:
    """Run one queued import (``services.import_run``); returns its outcome for the task result.

    Safe to run twice: ``import_run`` claims the import with a conditional update, so a second
    run (a retry, or two workers) finds it no longer queued and does nothing.
    """
    from rollcall.attendance.services import import_run

    imp = import_run(AttendanceImport.objects.get(pk=import_id))
    return {"import": imp.pk, "status": imp.status, "error_count": imp.error_count}
