"""Attendance imports: who may send marks, storing an upload, and running an import.

An import is all or nothing per file (docs/attendance.md):

1. :func:`import_create` stores the file, computes its SHA-256 and queues
   ``attendance_import_task``; the command line runs :func:`import_run` itself.
2. :func:`import_run` claims the import with a conditional update (so two workers never run the
   same one), then reads and checks the *whole* file outside any transaction, writing its
   progress (rows read, rows expected) to the import row after each block as plain UPDATEs: the
   import page and the API, on other connections, see it move. Any error: the import is marked
   failed with its error report, and nothing else is written.
3. Only a clean file reaches the write phase: ONE transaction that reads the stored strings of
   the records the file touches (in chunks), overlays the file's marks with numpy, counts marks
   added, replaced and unchanged (and the earlier imports whose marks were replaced), upserts
   the records that changed in batches, and marks the import imported.
4. After that commits, the affected children are evaluated (``evaluation.evaluate``): facts,
   flags and prompts.

The same file again (the same SHA-256 as an import that was imported) changes nothing: the new
import is marked "unchanged" and points at the earlier one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.conf import settings
from django.core.files import File
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce

from rollcall import clock, uploads
from rollcall.accounts.models import User
from rollcall.attendance import importers
from rollcall.attendance.access import ImportRefused, can_import
from rollcall.attendance.importers import WIDTH, FileError, MarksRead, Reference
from rollcall.attendance.models import AttendanceImport, PupilMarks
from rollcall.casework.calendar import council_calendar
from rollcall.people.models import Child
from rollcall.planner_statistics import refresh_statistics
from rollcall.rules.attendance import BLANK, marks_length
from rollcall.schools.models import RollEntry, School

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

"""Council teams whose members (any role) import council-wide files."""
WRITE_BATCH = 1000  # records per upsert statement (15 parameters each: under every database's limit)
READ_CHUNK = 2000  # children per query when reading the stored strings
_RUN, _RUN_GAP = 16, 8  # ids read as a range: at least _RUN of them, each within _RUN_GAP of the last
PROGRESS_EVERY = 0.2  # seconds between progress writes
_BLANK = ord(BLANK)
# A fixed key for PostgreSQL's advisory lock: imports write one at a time (see _write).
_WRITE_LOCK = 0x5243_4154  # "RCAT"


# ---- who may import and see imports ---------------------------------------------------------------


# ---- progress, as the pages and the API show it -------------------------------------------------------


@dataclass(frozen=True)
class ImportProgress:
    """How far an import has got: rows read of (about) rows_total, the rate, and the time left."""

    rows_read: int
    rows_total: int
    rate: float | None  # rows per second since it started
    seconds_left: float | None
    percent: int


def import_progress(imp: AttendanceImport) -> ImportProgress:
    """The progress of ``imp`` as stored (rate and time left from its start time and the clock)."""
    total = max(imp.rows_total, imp.rows_read)
    rate: float | None = None
    left: float | None = None
    if imp.started_at is not None and imp.rows_read:
        end = imp.finished_at or clock.now()
        elapsed = (end - imp.started_at).total_seconds()
        if elapsed > 0:
            rate = imp.rows_read / elapsed
            if imp.status == AttendanceImport.Status.RUNNING and rate > 0:
                left = max(total - imp.rows_read, 0) / rate
    if imp.status in {AttendanceImport.Status.IMPORTED, AttendanceImport.Status.UNCHANGED}:
        left = 0.0
    percent = (
        100
        if imp.status == AttendanceImport.Status.IMPORTED
        else int(100 * imp.rows_read / total)
        if total
        else 0
    )
    return ImportProgress(imp.rows_read, total, rate, left, min(percent, 100))


# ---- creating an import ---------------------------------------------------------------------------------


def format_for(name: str, chosen: str | None = None) -> str:
    """The format of a file: the one chosen, else from its name (.xml is a CTF)."""
    if chosen:
        return chosen
    return AttendanceImport.Format.CTF if name.lower().endswith(".xml") else AttendanceImport.Format.CSV


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while block := stream.read(1 << 20):
        digest.update(block)
    return digest.hexdigest()


class UploadRefused(Exception):
    """The file is too large for the person sending it (the API answers 413). Nothing was stored."""


def upload_limit(user: User | None) -> int:
    """The largest file of marks this person may send: a school's own pupils, or a whole
    council's (settings ATTENDANCE_UPLOAD_MAX_BYTES_SCHOOL and _COUNCIL)."""
    if user is not None and user.is_school_user:
        return int(settings.ATTENDANCE_UPLOAD_MAX_BYTES_SCHOOL)
    return int(settings.ATTENDANCE_UPLOAD_MAX_BYTES_COUNCIL)


def upload_check(*, size: int | None, user: User | None) -> None:
    """Raise UploadRefused unless the file is within the sender's limit. Its content is the
    importer's to judge: it reads every line and names the line and field of each problem (a
    UTF-16 file, say, is told to save as UTF-8), far more than a look at the first bytes could."""
    limit = upload_limit(user)
    if size is not None and size > limit:
        raise UploadRefused(f"The file must be smaller than {uploads.megabytes(limit)}")


# The uploaded file could not be written (the disk is full or failing): no import row, and no
# part of the file left behind.
FileNotStored = uploads.FileNotStored


def _store(imp: AttendanceImport, original_name: str, file: File[Any]) -> None:
    """Save the upload as the import's file, or leave nothing behind and raise FileNotStored."""
    uploads.file_store(imp.file, file, Path(original_name).name or "marks")


@transaction.atomic
def import_create(
    *,
    content: IO[bytes] | File[Any],
    original_name: str,
    file_format: str,
    uploaded_by: User | None,
    school: School | None = None,
    enqueue: bool = True,
) -> AttendanceImport:
    """Store a file of marks and (unless ``enqueue`` is False) queue its import.

    ``school`` limits the file to one school's rows: a school user's uploads always are (the
    caller passes ``user.school``). The file is saved under MEDIA_ROOT/attendance/ and its
    SHA-256 computed from the stored copy. The task is queued when the transaction commits.
    Raises FileNotStored, with nothing saved, when the file cannot be written, and UploadRefused,
    before anything is written, when it is too large for the sender.
    """
    if uploaded_by is not None and not can_import(uploaded_by):
        raise ImportRefused
    file = content if isinstance(content, File) else File(content)
    upload_check(size=file.size, user=uploaded_by)
    if uploaded_by is not None and uploaded_by.is_school_user:
        school = uploaded_by.school
    imp = AttendanceImport(
        format=file_format,
        original_name=original_name[:255],
        school=school,
        uploaded_by=uploaded_by,
        created_at=clock.now(),
        status=AttendanceImport.Status.QUEUED,
    )
    _store(imp, original_name, file)
    with imp.file.open("rb") as stored:
        imp.sha256 = _sha256(stored)
    size = imp.file.size
    imp.rows_total = importers.estimate_rows(size, file_format)
    imp.save()
    if enqueue:
        import_id = imp.pk
        transaction.on_commit(lambda: _enqueue(import_id))
    return imp


def _enqueue(import_id: int) -> None:
    from rollcall.attendance.tasks import attendance_import_task

    attendance_import_task.enqueue(import_id)


# ---- running an import ------------------------------------------------------------------------------------


def reference_load(*, school: School | None, upns: Sequence[str] | None = None) -> Reference:
    """What files are checked against, in four queries: children with UPNs, schools, rolls, calendar.

    ``upns``: only the children with these UPNs (and their rolls) are loaded, in chunks; what the
    file names is all it is checked against, so a school's file of 400 pupils does not load the
    council's 100,000 children (or 1,000,000). Without them, every child with a UPN.
    """
    # A UPN left on a record merged into another belongs to the surviving child.
    with_upn = Child.objects.exclude(upn__isnull=True).exclude(upn="")
    children: list[tuple[int, str]] = []
    if upns is None:
        children = list(with_upn.values_list(Coalesce("merged_into_id", "id"), "upn"))
    else:
        for start in range(0, len(upns), READ_CHUNK):
            children += with_upn.filter(upn__in=upns[start : start + READ_CHUNK]).values_list(
                Coalesce("merged_into_id", "id"), "upn"
            )
    schools = list(
        School.objects.values_list("id", "urn", "la_code", "establishment_number", "name", "status_name")
    )
    # An establishment number can pass from a closed school to its successor: the open one wins.
    schools.sort(key=lambda s: (str(s[5]).lower().startswith("closed"), s[0]))
    rolls = RollEntry.objects.all()
    if school is not None:
        rolls = rolls.filter(school=school)
    columns = ("child_id", "school_id", "on_roll_from", "on_roll_to")
    roll: list[tuple[Any, ...]] = []
    if upns is None:
        roll = list(rolls.values_list(*columns))
    else:
        # Only the rolls of the children found are ever looked up.
        ids = sorted({pk for pk, _ in children})
        for start in range(0, len(ids), READ_CHUNK):
            roll += rolls.filter(child_id__in=ids[start : start + READ_CHUNK]).values_list(*columns)
    forever = dt.date(9999, 12, 31)
    return Reference(
        upns=[upn or "" for _, upn in children],
        child_ids=np.array([pk for pk, _ in children], dtype=np.int64),
        school_ids=np.array([s[0] for s in schools], dtype=np.int64),
        school_urns=[str(s[1]) for s in schools],
        school_laestabs=[f"{s[2]}{s[3]}" if s[2] and s[3] else "" for s in schools],
        school_names=[s[4] for s in schools],
        calendar=council_calendar(),
        roll_child_ids=np.array([r[0] for r in roll], dtype=np.int64),
        roll_school_ids=np.array([r[1] for r in roll], dtype=np.int64),
        roll_from=np.array([r[2] for r in roll], dtype="datetime64[D]"),
        roll_to=np.array([r[3] or forever for r in roll], dtype="datetime64[D]"),
        only_school_id=school.pk if school is not None else None,
    )


def _progress_writer(imp: AttendanceImport, progress: Progress | None) -> Progress:
    """Persist progress as plain UPDATEs (autocommit: other connections see them at once)."""
    last = [0.0]

    def report(rows_read: int, rows_total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY or rows_read >= rows_total:
            last[0] = now
            AttendanceImport.objects.filter(pk=imp.pk).update(
                rows_read=rows_read, rows_total=rows_total, progress_at=clock.now()
            )
        imp.rows_read, imp.rows_total = rows_read, rows_total
        if progress is not None:
            progress(rows_read, rows_total)

    return report


def import_requeue_abandoned(*, import_id: int) -> bool:
    """Put an import whose worker died mid-run back in the queue; say whether it was running.

    Safe because an import stores its marks and its final status in one transaction (``_write``):
    a worker that died before that commit stored nothing, and one that died after it left the
    import imported, which this leaves alone. Only call it for a dead worker's import.
    """
    return bool(
        AttendanceImport.objects.filter(pk=import_id, status=AttendanceImport.Status.RUNNING).update(
            status=AttendanceImport.Status.QUEUED, started_at=None, progress_at=None, rows_read=0
        )
    )


ABANDONED = (
    "The import stopped before it finished (the process running it ended). Nothing was stored: "
    "send the file again."
)


def imports_fail_abandoned(*, silent_for: dt.timedelta) -> int:
    """Fail every import still "running" whose progress has not moved for ``silent_for``.

    A running import saves its progress every few seconds, so one silent for much longer has lost
    its process (a command killed with SIGKILL, a machine restarted). Its marks and final status
    are written in one transaction, so such an import stored nothing and failing it is safe; its
    page then says so instead of "Importing" for ever. Imports run by a task worker are requeued
    by the worker's heartbeat long before (operations.workers); this catches the rest.
    Returns how many it failed.
    """
    now = clock.now()
    silent = Q(progress_at__lt=now - silent_for) | Q(
        progress_at__isnull=True, started_at__lt=now - silent_for
    )
    return AttendanceImport.objects.filter(silent, status=AttendanceImport.Status.RUNNING).update(
        status=AttendanceImport.Status.FAILED,
        finished_at=now,
        errors=[{"line": None, "field": "file", "message": ABANDONED}],
        error_count=1,
    )


def import_run(attendance_import: AttendanceImport, *, progress: Progress | None = None) -> AttendanceImport:
    """Run a queued import: read and check the file, then store its marks or its error report.

    ``progress(rows_read, rows_total)`` is called after each block read (and the same figures are
    saved on the import). Returns the import as it ended: imported, unchanged or failed. An
    import that is not queued (already run, or running in another worker) is returned as it is.
    """
    imp = attendance_import
    started = clock.now()
    claimed = AttendanceImport.objects.filter(pk=imp.pk, status=AttendanceImport.Status.QUEUED).update(
        status=AttendanceImport.Status.RUNNING, started_at=started, progress_at=started, rows_read=0
    )
    imp.refresh_from_db()
    if not claimed:
        return imp
    try:
        earlier = (
            AttendanceImport.objects.filter(sha256=imp.sha256, status=AttendanceImport.Status.IMPORTED)
            .exclude(pk=imp.pk)
            .order_by("created_at", "pk")
            .first()
        )
        if earlier is not None:
            summary = {"same_as": _import_ref(earlier), "pupils": 0, "marks_added": 0, "marks_replaced": 0}
            _finish(imp, AttendanceImport.Status.UNCHANGED, summary=summary, rows=imp.rows_read)
            _discard_file(imp)
            return imp
        read = _read(imp, progress)
        if not read.ok:
            _finish(
                imp,
                AttendanceImport.Status.FAILED,
                errors=[e.as_dict() for e in read.errors],
                error_count=read.error_count,
                rows=read.rows,
            )
            return imp
        changed_schools = _write(imp, read)
    except Exception:
        logger.exception("Attendance import %s stopped", imp.pk)
        message = (
            "Roll Call could not finish this import because of a fault of its own, not of the file. "
            "Nothing was stored. Try again later, or tell the council's Roll Call administrator"
        )
        _finish(
            imp,
            AttendanceImport.Status.FAILED,
            errors=[FileError(None, "file", message).as_dict()],
            error_count=1,
            rows=imp.rows_read,
        )
        raise
    _discard_file(imp)
    # The evaluation reads what was just written: with statistics that still count it as absent,
    # its plans scan the whole year's marks (each file slower than the last).
    refresh_statistics()
    _evaluate(imp, changed_schools)
    return imp


def _discard_file(imp: AttendanceImport) -> None:
    """Delete the stored file once its marks are in (or were already): the marks are the record,
    and an uploaded file holding every pupil's name is not kept a day longer than it is needed
    (docs/retention.md). A failed import keeps its file until the retention step deletes it."""
    name = imp.file.name
    if not name:
        return
    AttendanceImport.objects.filter(pk=imp.pk).update(file="")
    imp.file.name = ""
    imp.file.storage.delete(name)


def _read(imp: AttendanceImport, progress: Progress | None) -> MarksRead:
    path = Path(imp.file.path)
    report = _progress_writer(imp, progress)
    if imp.format == AttendanceImport.Format.CTF:
        # Parsed first, then checked against the children it names only (a school's file).
        def reference_for(upns: Sequence[str]) -> Reference:
            return reference_load(school=imp.school, upns=upns)

        return importers.read_ctf(
            path, reference_for, progress=report, max_errors=AttendanceImport.MAX_ERRORS
        )
    reference = reference_load(school=imp.school)
    return importers.read_csv(path, reference, progress=report, max_errors=AttendanceImport.MAX_ERRORS)


def _finish(
    imp: AttendanceImport,
    status: str,
    *,
    rows: int,
    errors: list[dict[str, Any]] | None = None,
    error_count: int = 0,
    summary: dict[str, Any] | None = None,
) -> None:
    imp.status = status
    imp.finished_at = clock.now()
    imp.errors = errors or []
    imp.error_count = error_count
    imp.summary = summary or {}
    imp.rows_read = rows
    imp.rows_total = rows
    imp.save(
        update_fields=["status", "finished_at", "errors", "error_count", "summary", "rows_read", "rows_total"]
    )


def _import_ref(imp: AttendanceImport) -> dict[str, Any]:
    return {"id": imp.pk, "name": imp.original_name, "created_at": imp.created_at.isoformat()}


def _lock_writers() -> None:
    """One import writes at a time, so two files for the same pupils cannot lose each other's marks.

    SQLite: Roll Call opens every transaction IMMEDIATE (settings), which already takes the write
    lock. PostgreSQL: a transaction-level advisory lock, released at commit or rollback.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_WRITE_LOCK])


def _existing(
    child_ids: list[int], school_ids: Iterable[int], years: Iterable[int]
) -> dict[tuple[int, int, int], tuple[str, int | None]]:
    """The stored strings (and the import that last changed each) of some records, by key.

    ``child_ids`` are sorted. Runs of close ids are asked for as ranges (not lists of thousands of
    ids), which the unique index on (child, school, academic year) answers; whatever else a range
    holds is simply not looked up. The ids outside any run (a school's few pupils who came from
    another school, whose ids lie anywhere in the council) are asked for by list: one range from
    the smallest id to the largest would read most of the council's records for a school's file.
    (Adding the schools to the query made SQLite choose the per-school index and read every
    record of those schools for each chunk.)
    """
    runs, alone = _id_runs(child_ids)
    found: dict[tuple[int, int, int], tuple[str, int | None]] = {}
    wanted_schools, wanted_years = set(school_ids), set(years)
    columns = ("child_id", "school_id", "academic_year", "marks", "last_import_id")
    queries = [PupilMarks.objects.filter(child_id__gte=low, child_id__lte=high) for low, high in runs]
    if alone:
        queries.append(PupilMarks.objects.filter(child_id__in=alone))
    for query in queries:
        for child_id, school_id, year, marks, last_import in query.values_list(*columns):
            if school_id in wanted_schools and year in wanted_years:
                found[(child_id, school_id, year)] = (marks, last_import)
    return found


def _id_runs(ids: list[int]) -> tuple[list[tuple[int, int]], list[int]]:
    """Sorted ids as (first, last) runs of at least _RUN ids no more than _RUN_GAP apart, and
    the ids in no such run."""
    runs: list[tuple[int, int]] = []
    alone: list[int] = []
    start = 0
    for k in range(1, len(ids) + 1):
        if k == len(ids) or ids[k] - ids[k - 1] > _RUN_GAP:
            if k - start >= _RUN:
                runs.append((ids[start], ids[k - 1]))
            else:
                alone += ids[start:k]
            start = k
    return runs, alone


def _upsert(rows: list[tuple[int, int, int, str]], import_id: int, now: dt.datetime) -> None:
    """Insert or update attendance records (child, school, year, marks), in batches.

    One ``INSERT … VALUES (…), (…) … ON CONFLICT (child, school, academic year) DO UPDATE`` per
    batch of rows: the same SQL on SQLite (3.24+) and PostgreSQL. Not ``bulk_create``: the ORM
    prepares every one of the model's sixteen fields of every row in Python, which for a council's
    100,000 records took longer than reading 38 million rows. The evaluated facts start at their
    defaults on a new record and are left alone on an existing one (evaluation rewrites them).
    """
    if not rows:
        return
    meta = PupilMarks._meta
    table = connection.ops.quote_name(meta.db_table)

    def field(name: str) -> models.Field[Any, Any]:
        found = meta.get_field(name)
        assert isinstance(found, models.Field)  # noqa: S101 - concrete columns of this model
        return found

    def column(name: str) -> str:
        return connection.ops.quote_name(field(name).column)

    keys = [column("child"), column("school"), column("academic_year")]
    written = [column("marks"), column("last_import"), column("updated_at")]
    defaults = {
        column(name): field(name).get_default()
        for name in (
            "possible_sessions",
            "absent_sessions",
            "unauthorised_sessions",
            "illness_days",
            "unexplained_streak",
            "ground_i_streak",
            "unmarked_days",
            "persistent",
            "severe",
        )
    }
    names = [*keys, *written, *defaults]
    update = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET " + ", ".join(
        f"{name} = excluded.{name}" for name in written
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    fixed = (import_id, stamp, *defaults.values())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY the strings into a temporary table and upsert them in one statement: several
            # times faster than sending 100,000 rows of parameters (psycopg's COPY).
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS attendance_incoming "
                "(child_id bigint, school_id bigint, academic_year smallint, marks text) ON COMMIT DROP"
            )
            cursor.execute("TRUNCATE attendance_incoming")
            with cursor.cursor.copy("COPY attendance_incoming FROM STDIN") as copy:
                for record in rows:
                    copy.write_row(record)
            constants = ", ".join(["%s"] * len(fixed))
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608 - names from the model
                f"SELECT child_id, school_id, academic_year, marks, {constants} FROM attendance_incoming {update}",
                list(fixed),
            )
            return
        row = f"({', '.join(['%s'] * len(names))})"
        for start in range(0, len(rows), WRITE_BATCH):
            batch = rows[start : start + WRITE_BATCH]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join([row] * len(batch))} {update}",  # noqa: S608 - names from the model
                [value for record in batch for value in (*record, *fixed)],
            )


def _write(imp: AttendanceImport, read: MarksRead) -> list[int]:
    """Merge the file's marks into the stored records in one transaction; return the schools
    whose records changed.

    A mark in the file replaces the stored mark of that session; a session the file leaves blank
    keeps what was stored. Records are upserted on (child, school, academic year), so this works
    alike on SQLite and PostgreSQL.
    """
    now = clock.now()
    order = np.lexsort((read.years, read.school_ids, read.child_ids))
    added = replaced = unchanged = 0
    replaced_from: dict[int | None, int] = {}
    changed_schools: set[int] = set()
    records = 0
    with transaction.atomic():
        _lock_writers()
        for start in range(0, order.size, READ_CHUNK):
            part = order[start : start + READ_CHUNK]
            children = read.child_ids[part].tolist()
            schools = read.school_ids[part].tolist()
            years = read.years[part].tolist()
            stored = _existing(sorted(set(children)), schools, years)
            new = read.marks[part]
            old = np.full((part.size, WIDTH), _BLANK, dtype=np.uint8)
            last_imports: list[int | None] = []
            for k, key in enumerate(zip(children, schools, years, strict=True)):
                marks, last_import = stored.get(key, ("", None))
                last_imports.append(last_import)
                if marks:
                    data = marks.encode("ascii", "replace")[:WIDTH]
                    old[k, : len(data)] = np.frombuffer(data, dtype=np.uint8)
            given = new != 0
            is_added = given & (old == _BLANK)
            is_same = given & (new == old)
            is_replaced = given & ~is_added & ~is_same
            added += int(is_added.sum())
            unchanged += int(is_same.sum())
            per_record = is_replaced.sum(axis=1)
            replaced += int(per_record.sum())
            for k in np.flatnonzero(per_record).tolist():
                replaced_from[last_imports[k]] = replaced_from.get(last_imports[k], 0) + int(per_record[k])
            changed = np.flatnonzero((is_added | is_replaced).any(axis=1))
            merged = np.where(given, new, old)
            rows = []
            for k in changed.tolist():
                text = merged[k, : marks_length(years[k])].tobytes().decode("ascii")
                rows.append((children[k], schools[k], years[k], text))
                changed_schools.add(schools[k])
            records += len(rows)
            _upsert(rows, imp.pk, now)
        earlier = {
            i.pk: i
            for i in AttendanceImport.objects.filter(pk__in=[k for k in replaced_from if k is not None])
        }
        summary = {
            "pupils": int(np.unique(read.child_ids).size),
            "records": int(read.child_ids.size),
            "records_changed": records,
            "marks_added": added,
            "marks_replaced": replaced,
            "marks_unchanged": unchanged,
            "replaced_imports": [
                {**_import_ref(earlier[k]), "marks": n}
                if k in earlier
                else {"id": None, "name": "", "marks": n}
                for k, n in sorted(replaced_from.items(), key=lambda item: (item[0] is None, item[0] or 0))
            ],
            "academic_years": sorted({int(y) for y in np.unique(read.years)}),
        }
        _finish(imp, AttendanceImport.Status.IMPORTED, summary=summary, rows=read.rows)
    return sorted(changed_schools)


def _evaluate(imp: AttendanceImport, school_ids: list[int]) -> None:
    """Evaluate the pupils of the schools whose records changed (their windows may have moved:
    see ``evaluation``); the prompts raised go into the summary.

    After the marks are committed, so a fault here cannot lose them: the import stays imported,
    the fault is logged and noted, and the next evaluation (any import, or the sweep) catches up.
    """
    if not school_ids:
        return
    from rollcall.attendance.evaluation import evaluate

    try:
        result = evaluate(school_ids=school_ids)
    except Exception:
        logger.exception("Evaluating the children of attendance import %s failed", imp.pk)
        imp.summary = {**imp.summary, "evaluation_failed": True}
    else:
        imp.summary = {**imp.summary, "evaluation": result.summary()}
    AttendanceImport.objects.filter(pk=imp.pk).update(summary=imp.summary)
