"""Background work for rolls: loading a roll file sent through the web page in the task worker."""

from __future__ import annotations

from django_tasks import TaskContext, task

from rollcall.rolls.models import RollImport


@task(takes_context=True)
def roll_import_task(context: TaskContext, import_id: int) -> dict[str, object]:
    """Load one queued roll file (``imports.roll_import_run``); its outcome is the task's result.

    Safe to run twice: the run claims the import with a conditional update. A later attempt only
    exists because the worker running the earlier one died; that worker's load was one transaction
    that never committed, so the import is put back in the queue first.
    """
    from rollcall.rolls.imports import roll_import_requeue_abandoned, roll_import_run

    if context.attempt > 1:
        roll_import_requeue_abandoned(import_id=import_id)
    imp = roll_import_run(RollImport.objects.get(pk=import_id))
    return {"import": imp.pk, "status": imp.status, "error_count": imp.error_count}
