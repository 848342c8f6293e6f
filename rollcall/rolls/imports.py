"""Roll files sent through the web page: stored, then loaded by a background task (docs/rolls.md).

1. :func:`roll_import_create` stores the file (one school's roll, CSV or Common Transfer File) and
   queues ``roll_import_task`` once the transaction commits.
2. :func:`roll_import_run` claims the import with a conditional update (two workers never load the
   same file), reads and checks the whole file outside any transaction, saving its stage as plain
   UPDATEs that the import's page sees move, then hands the pupils to the one engine
   (``services.roll_load``: one transaction, all or nothing). Any error in the file: the import is
   marked failed with every error by line and field, and nothing else is written.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.db import transaction

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.rolls.access import can_load_roll
from rollcall.rolls.ctf import CtfRoll, PupilDetails, rows_from_ctf
from rollcall.rolls.models import RollImport, RollSnapshot
from rollcall.rolls.pupils import LineError, PupilRow, RollFileError, rows_from_csv
from rollcall.rolls.services import roll_load
from rollcall.rules.rolls import RollRefused
from rollcall.schools.models import School

__all__ = [
    "RollImportRefused",
    "ctf_school_check",
    "roll_import_create",
    "roll_import_requeue_abandoned",
    "roll_import_run",
]

logger = logging.getLogger(__name__)

FAULT = (
    "Roll Call could not finish loading this file because of a fault of its own, not of the file. "
    "Nothing was loaded. Try again later, or tell the council's Roll Call administrator"
)


class RollImportRefused(PermissionError):
    """The person may not load this school's roll."""


def format_for(name: str, chosen: str | None = None) -> str:
    """The format of a file: the one chosen, else from its name (.xml is a Common Transfer File)."""
    if chosen:
        return chosen
    return RollImport.Format.CTF if name.lower().endswith(".xml") else RollImport.Format.CSV


@transaction.atomic
def roll_import_create(
    *,
    school: School,
    as_of: dt.date,
    content: IO[bytes] | File[Any],
    original_name: str,
    file_format: str,
    uploaded_by: User,
    enqueue: bool = True,
) -> RollImport:
    """Store one school's roll file and (unless ``enqueue`` is False) queue its load."""
    if not can_load_roll(uploaded_by, school):
        raise RollImportRefused
    imp = RollImport(
        school=school,
        as_of=as_of,
        format=file_format,
        original_name=original_name[:255],
        uploaded_by=uploaded_by,
        created_at=clock.now(),
        status=RollImport.Status.QUEUED,
        stage="Waiting to start",
    )
    file = content if isinstance(content, File) else File(content)
    imp.file.save(Path(original_name).name or "roll", file, save=False)
    imp.save()
    if enqueue:
        import_id = imp.pk
        transaction.on_commit(lambda: _enqueue(import_id))
    return imp


def _enqueue(import_id: int) -> None:
    from rollcall.rolls.tasks import roll_import_task

    roll_import_task.enqueue(import_id)


def _stage(imp: RollImport, stage: str, done: int, total: int) -> None:
    """Save how far the load has got (autocommit: the page, on another connection, sees it)."""
    imp.stage, imp.pupils_done, imp.pupils_total = stage, done, total
    RollImport.objects.filter(pk=imp.pk).update(
        stage=stage, pupils_done=done, pupils_total=total, progress_at=clock.now()
    )


def _finish(
    imp: RollImport,
    status: str,
    *,
    errors: list[LineError] | None = None,
    snapshot: RollSnapshot | None = None,
) -> None:
    found = errors or []
    imp.status = status
    imp.finished_at = clock.now()
    imp.errors = [
        {"line": e.line or None, "field": e.field, "message": e.reason}
        for e in found[: RollImport.MAX_ERRORS]
    ]
    imp.error_count = len(found)
    imp.snapshot = snapshot
    imp.stage = RollImport.Status(status).label
    if status != RollImport.Status.FAILED:
        imp.pupils_done = imp.pupils_total
    imp.save(
        update_fields=["status", "finished_at", "errors", "error_count", "snapshot", "stage", "pupils_done"]
    )


def _read(imp: RollImport) -> tuple[list[PupilRow], dict[int, PupilDetails]]:
    with imp.file.open("rb") as stream:
        if imp.format != RollImport.Format.CTF:
            return rows_from_csv(stream), {}
        roll = rows_from_ctf(stream)
    ctf_school_check(roll, imp.school)
    return roll.rows, roll.details


def ctf_school_check(roll: CtfRoll, school: School) -> None:
    """A CTF names the school that sent it (SourceSchool): it must be the school being loaded."""
    if roll.urn == school.urn or (roll.lea, roll.estab) == (school.la_code, school.establishment_number):
        return
    named = f"URN {roll.urn}" if roll.urn else f"LA establishment number {roll.lea}{roll.estab}"
    raise RollFileError(
        [LineError(1, "SourceSchool", f"this file is from the school with {named}, not {school.name}")]
    )


def roll_import_requeue_abandoned(*, import_id: int) -> bool:
    """Put an import whose worker died mid-run back in the queue (the load is one transaction, so a
    worker that died before its commit loaded nothing); say whether it was running."""
    return bool(
        RollImport.objects.filter(pk=import_id, status=RollImport.Status.RUNNING).update(
            status=RollImport.Status.QUEUED, started_at=None, progress_at=None, pupils_done=0
        )
    )


def roll_import_run(roll_import: RollImport) -> RollImport:
    """Load a queued roll file: read and check it, then load it all or record every error.

    An import that is not queued (already run, or running in another worker) is returned as it is.
    """
    imp = roll_import
    started = clock.now()
    claimed = RollImport.objects.filter(pk=imp.pk, status=RollImport.Status.QUEUED).update(
        status=RollImport.Status.RUNNING, started_at=started, progress_at=started, stage="Reading the file"
    )
    imp.refresh_from_db()
    if not claimed:
        return imp
    try:
        try:
            rows, details = _read(imp)
        except RollFileError as error:
            _finish(imp, RollImport.Status.FAILED, errors=error.errors)
            return imp
        _stage(imp, f"Matching and loading {len(rows):,} pupils", 0, len(rows))
        try:
            loaded = roll_load(
                school=imp.school,
                as_of=imp.as_of,
                rows=rows,
                source=RollSnapshot.Source(imp.format),
                actor=imp.uploaded_by,
                original_name=imp.original_name,
                details=details,
            )
        except RollFileError as error:
            _finish(imp, RollImport.Status.FAILED, errors=error.errors)
            return imp
        except RollRefused as error:
            _finish(imp, RollImport.Status.FAILED, errors=[LineError(0, "as_of", str(error))])
            return imp
    except Exception:
        logger.exception("Roll import %s stopped", imp.pk)
        _finish(imp, RollImport.Status.FAILED, errors=[LineError(0, "file", FAULT)])
        raise
    status = RollImport.Status.UNCHANGED if loaded.unchanged else RollImport.Status.LOADED
    _finish(imp, status, snapshot=loaded.snapshot)
    return imp
