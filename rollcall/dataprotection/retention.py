"""The retention step: what the schedule says is due on a day, and erasing or anonymising it.

One question per record type decides what is due (:func:`due_querysets`), and both the dry-run
report (:func:`retention_report`, the ``retention_report`` command and the administrator's page)
and the erasure (:func:`retention_apply`, the daily sweep's last step) ask it, so the report
counts exactly what the run then takes. Every date comes from the sweep's ``today`` (the rules in
``rollcall/rules/retention.py``), never the wall clock.

Set-based: each record type is a few queries whatever the number of rows (closed cases in chunks
of :data:`CHUNK`, because deleting a case collects its tasks, events, flags and notes). Idempotent:
what was erased is no longer there to be found, so a second run on the same day erases nothing.
Each run writes one :class:`Erasure` row per record type it touched: the audit trail shows the
counts, never a name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django_tasks_db.models import DBTaskResult

from rollcall import clock
from rollcall.actionplans.models import Evidence
from rollcall.attendance.models import AttendanceImport, PupilMarks
from rollcall.audit.models import RecordView
from rollcall.casework.models import Case
from rollcall.casework.sweep import sweep_instant
from rollcall.dataprotection.models import AnonymisedCase, Erasure, RetentionSettings
from rollcall.notify.models import Message
from rollcall.people.models import Child
from rollcall.policies.models import PolicyVersion
from rollcall.rules import retention
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.retention import RECORD_TYPE, RECORD_TYPES, Action, Period
from rollcall.schools.models import RollEntry

CHUNK = 500
EMAIL_TASK = "rollcall.notify.tasks.email_messages"
_FINISHED_IMPORTS = (
    AttendanceImport.Status.IMPORTED,
    AttendanceImport.Status.UNCHANGED,
    AttendanceImport.Status.FAILED,
)


@dataclass(frozen=True)
class Due:
    """One line of the dry-run report."""

    key: str
    label: str
    action: Action
    period: Period
    keep_from: dt.date  # records dated on or before the day before this are due
    count: int
    held: int  # due by date but kept because another record still needs them


def _end_of(day: dt.date) -> dt.datetime:
    """The instant the day after ``day`` starts in England: records stamped before it are dated
    on or before ``day``."""
    return clock.start_of_day(day + dt.timedelta(days=1))


def _cutoff(today: dt.date, period: Period) -> dt.datetime:
    return _end_of(retention.latest_due_reference(today, period))


def _closed_cases_due(today: dt.date, period: Period) -> QuerySet[Case]:
    return Case.objects.filter(closed_at__isnull=False, closed_at__lt=_cutoff(today, period))


def protected_referrers(model: type[models.Model]) -> list[tuple[type[models.Model], Q]]:
    """One condition per PROTECT or RESTRICT foreign key pointing at ``model``, hidden ones
    (``related_name="+"``) included: a row another record still needs cannot be deleted, and is
    held rather than failing the run."""
    conditions = []
    for rel in model._meta.get_fields(include_hidden=True):
        if not isinstance(rel, models.ForeignObjectRel):
            continue
        if rel.on_delete not in (models.PROTECT, models.RESTRICT):
            continue
        field = rel.field
        referrers = field.model._base_manager.filter(**{f"{field.name}__isnull": False}).values(field.attname)
        conditions.append((field.model, Q(pk__in=referrers)))
    return conditions


def _erasable_cases(today: dt.date, period: Period) -> QuerySet[Case]:
    due = _closed_cases_due(today, period)
    for _model, condition in protected_referrers(Case):
        due = due.exclude(condition)
    return due


def _children_due(today: dt.date, period: Period) -> QuerySet[Child]:
    born_by = retention.latest_due_reference(today, period)
    return Child.objects.filter(date_of_birth__lte=born_by)


def _erasable_children(today: dt.date, period: Period) -> QuerySet[Child]:
    """Children whose whole record is due, except any with an open case or still on a roll: a
    record the council is still working on is held, however old the child."""
    open_case = Case.objects.filter(child_id=OuterRef("pk"), closed_at__isnull=True)
    on_roll = RollEntry.objects.filter(child_id=OuterRef("pk"), on_roll_to__isnull=True)
    return _children_due(today, period).exclude(Exists(open_case)).exclude(Exists(on_roll))


def _superseded_policy_files(today: dt.date, period: Period) -> QuerySet[PolicyVersion]:
    later = PolicyVersion.objects.filter(
        policy_id=OuterRef("policy_id"),
        number__gt=OuterRef("number"),
        published_at__isnull=False,
        published_at__lt=_cutoff(today, period),
    )
    return PolicyVersion.objects.exclude(file="").filter(Exists(later))


def due_querysets(today: dt.date, schedule: dict[str, Period]) -> dict[str, QuerySet[Any]]:
    """What each record type has due on ``today``: the one question the report and the run ask."""
    marks_year = retention.latest_due_academic_year(today, schedule["attendance_marks"])
    return {
        "closed_cases": _erasable_cases(today, schedule["closed_cases"]),
        "attendance_marks": PupilMarks.objects.filter(academic_year__lte=marks_year),
        "attendance_files": AttendanceImport.objects.exclude(file="").filter(
            status__in=_FINISHED_IMPORTS, created_at__lt=_cutoff(today, schedule["attendance_files"])
        ),
        "evidence_files": Evidence.objects.filter(added_at__lt=_cutoff(today, schedule["evidence_files"])),
        "policy_files": _superseded_policy_files(today, schedule["policy_files"]),
        "messages": Message.objects.filter(created_at__lt=_cutoff(today, schedule["messages"])),
        "emails": DBTaskResult.objects.filter(
            task_path=EMAIL_TASK,
            finished_at__isnull=False,
            finished_at__lt=_cutoff(today, schedule["emails"]),
        ),
        "record_views": RecordView.objects.filter(at__lt=_cutoff(today, schedule["record_views"])),
        "child_records": _erasable_children(today, schedule["child_records"]),
    }


def retention_report(today: dt.date) -> list[Due]:
    """The dry run: what would go on ``today``, by record type and count. Changes nothing."""
    schedule = RetentionSettings.current().schedule()
    querysets = due_querysets(today, schedule)
    held = {
        "closed_cases": _closed_cases_due(today, schedule["closed_cases"]).count(),
        "child_records": _children_due(today, schedule["child_records"]).count(),
    }
    lines = []
    for kind in RECORD_TYPES:
        count = querysets[kind.key].count()
        period = schedule[kind.key]
        lines.append(
            Due(
                key=kind.key,
                label=kind.label,
                action=kind.action,
                period=period,
                keep_from=retention.latest_due_reference(today, period) + dt.timedelta(days=1),
                count=count,
                held=held[kind.key] - count if kind.key in held else 0,
            )
        )
    return lines


def _delete_with_history(queryset: QuerySet[Any]) -> int:
    """Delete ``queryset`` and everything that cascades from it, then the change history that
    django-simple-history kept of each deleted row (or the erasure would only be nominal).
    Returns how many rows of the queryset's own model went."""
    collector = Collector(using=queryset.db)
    collector.collect(queryset)  # type: ignore[arg-type]  # Django accepts a queryset here
    doomed: dict[type[models.Model], list[Any]] = {
        model: [obj.pk for obj in objs] for model, objs in collector.data.items() if hasattr(model, "history")
    }
    _, per_model = collector.delete()
    for model, pks in doomed.items():
        history: Any = model.history  # type: ignore[attr-defined]
        for start in range(0, len(pks), CHUNK):
            history.filter(id__in=pks[start : start + CHUNK]).delete()
    return int(per_model.get(queryset.model._meta.label, 0))


def _case_figures(case_ids: list[int], today: dt.date) -> list[tuple[int, AnonymisedCase]]:
    """What is kept of each closed case in ``case_ids``: (case id, unsaved figures)."""
    rows = Case.objects.filter(pk__in=case_ids, closed_at__isnull=False).values(
        "pk", "kind", "outcome", "opened_on", "closed_at", "team_id", "child__date_of_birth"
    )
    kept: list[tuple[int, AnonymisedCase]] = []
    for row in rows:
        closed_at = row["closed_at"]
        if closed_at is None:  # asked for closed cases only; never an open one
            continue
        closed_on = clock.local_date(closed_at)
        figures = AnonymisedCase(
            kind=row["kind"],
            outcome=row["outcome"],
            year_group=retention.year_group(row["child__date_of_birth"], closed_on),
            opened_on=row["opened_on"],
            closed_on=closed_on,
            team_id=row["team_id"],
            anonymised_on=today,
        )
        kept.append((row["pk"], figures))
    return kept


def _anonymise_cases(queryset: QuerySet[Case], today: dt.date) -> int:
    """Keep each due case's figures in an :class:`AnonymisedCase`, then erase the case with its
    tasks, events, flags, notes, enquiries and their history. Cases another record still
    protects are left (the report counts them as held). Open cases are never touched."""
    done = 0
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        kept = _case_figures(ids[start : start + CHUNK], today)
        try:
            with transaction.atomic():
                AnonymisedCase.objects.bulk_create([figures for _pk, figures in kept])
                done += _delete_with_history(Case.objects.filter(pk__in=[pk for pk, _figures in kept]))
        except ProtectedError:
            # A record that cascades from one of these cases is protected by another record (or
            # one was written since the question was asked): the rare path, case by case, so
            # one held case does not hold back the rest of the chunk.
            done += _anonymise_one_by_one(kept)
    return done


def _anonymise_one_by_one(kept: list[tuple[int, AnonymisedCase]]) -> int:
    done = 0
    for case_id, figures in kept:
        try:
            with transaction.atomic():
                figures.pk = None
                figures.save()
                done += _delete_with_history(Case.objects.filter(pk=case_id))
        except ProtectedError:
            continue
    return done


# How far to follow records that protect records about a child (an exclusion's review step and
# its budget adjustment are two steps from the child).
_PROTECTION_DEPTH = 3


def _names_a_child(model: type[models.Model]) -> bool:
    return any(field.is_relation and field.related_model is Child for field in model._meta.fields)


def _records_about_children() -> list[tuple[type[models.Model], str]]:
    """Every (model, lookup to the child) of a record about a child: each foreign key pointing at
    a child, hidden relations included, except the change history (erased after) and other
    children (a merged child is its own record); then the records that protect those (PROTECT or
    RESTRICT) and name no child, such as an exclusion's review steps, followed
    ``_PROTECTION_DEPTH`` deep. Records that cascade go with theirs."""
    found: list[tuple[type[models.Model], str]] = []
    frontier: list[tuple[type[models.Model], str]] = [(Child, "")]
    for depth in range(_PROTECTION_DEPTH + 1):
        following = []
        for model, path in frontier:
            for rel in model._meta.get_fields(include_hidden=True):
                if (
                    not isinstance(rel, models.ForeignObjectRel)
                    or rel.field.model is Child
                    or hasattr(rel.field.model, "instance_type")  # django-simple-history's rows
                    or (depth and rel.on_delete not in (models.PROTECT, models.RESTRICT))
                    # A record naming a child is that child's: it goes with its own child, and
                    # one about another child holds this one back (never erased with it).
                    or (depth and _names_a_child(rel.field.model))
                ):
                    continue
                following.append((rel.field.model, f"{rel.field.name}__{path}" if path else rel.field.name))
        found += following
        frontier = following
    return found


def _history_about_children() -> list[tuple[Any, str]]:
    """The change-history tables that name a child (their rows outlive the record they copy)."""
    return [
        (rel.field.model._base_manager, rel.field.name)
        for rel in Child._meta.get_fields(include_hidden=True)
        if isinstance(rel, models.ForeignObjectRel) and hasattr(rel.field.model, "instance_type")
    ]


def _erase_whole_records(child_ids: list[int], today: dt.date) -> int:
    """Erase these children's whole records in the current transaction: first what is kept of
    their closed cases (as :class:`AnonymisedCase`), then every record about them, those that
    others protect after the records protecting them, then the children and every history row.
    Raises ProtectedError if a record outside these children still needs one of them."""
    case_ids = list(Case.objects.filter(child_id__in=child_ids).values_list("pk", flat=True))
    AnonymisedCase.objects.bulk_create([figures for _pk, figures in _case_figures(case_ids, today)])
    pending = _records_about_children()
    while pending:
        left = []
        for model, name in pending:
            try:
                _delete_with_history(model._base_manager.filter(**{f"{name}__in": child_ids}))
            except (ProtectedError, RestrictedError):
                left.append((model, name))  # another record about the children protects it
        if len(left) == len(pending):
            raise ProtectedError("A record outside these children needs one of them", set())
        pending = left
    erased = _delete_with_history(Child.objects.filter(pk__in=child_ids))
    for history, name in _history_about_children():
        history.filter(**{f"{name}__in": child_ids}).delete()
    return erased


def _erase_children(queryset: QuerySet[Child], today: dt.date) -> int:
    """Erase each due child's whole record, a chunk at a time; a chunk that cannot go whole is
    tried child by child, so one held child does not hold back the rest."""
    done = 0
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        try:
            with transaction.atomic():
                done += _erase_whole_records(chunk, today)
        except (ProtectedError, RestrictedError):
            for child_id in chunk:
                try:
                    with transaction.atomic():
                        done += _erase_whole_records([child_id], today)
                except (ProtectedError, RestrictedError):
                    continue
    return done


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


def _erase(key: str, queryset: QuerySet[Any], today: dt.date) -> int:
    if key == "closed_cases":
        return _anonymise_cases(queryset, today)
    if key == "child_records":
        return _erase_children(queryset, today)
    if key == "attendance_files":
        names = list(queryset.values_list("file", flat=True))
        count = AttendanceImport.objects.filter(pk__in=queryset.values("pk")).update(file="")
        transaction.on_commit(lambda: _delete_files(names))
        return count
    if key == "policy_files":
        names = list(queryset.values_list("file", flat=True))
        count = PolicyVersion.objects.filter(pk__in=list(queryset.values_list("pk", flat=True))).update(
            file=""
        )
        transaction.on_commit(lambda: _delete_files(names))
        return count
    if key == "evidence_files":
        names = list(queryset.exclude(file="").values_list("file", flat=True))
        count = _delete_with_history(queryset)
        transaction.on_commit(lambda: _delete_files(names))
        return count
    return _delete_with_history(queryset)


def retention_apply(today: dt.date) -> dict[str, int]:
    """Erase or anonymise everything due on ``today``; one transaction per record type, so a
    fault in one leaves the others done. Returns {record type key: how many}."""
    schedule = RetentionSettings.current().schedule()
    at = sweep_instant(today)
    counts: dict[str, int] = {}
    for kind in RECORD_TYPES:
        with transaction.atomic():
            queryset = due_querysets(today, schedule)[kind.key]
            count = _erase(kind.key, queryset, today)
            if count:
                Erasure.objects.create(
                    run_on=today, at=at, record_type=kind.key, action=kind.action.value, count=count
                )
        counts[kind.key] = count
    return counts


def retention_sweep(*, today: dt.date, calendar: SchoolCalendar) -> dict[str, int]:
    """The sweep's retention step (settings.SWEEP_STEPS): a count per record type."""
    del calendar  # retention counts calendar days, not school days
    return {f"retention_{key}": count for key, count in retention_apply(today).items()}


def record_type_label(key: str) -> str:
    return RECORD_TYPE[key].label
