"""Resolving possible duplicates: "not the same child", merge two records, undo a merge (issue 11).

Matching stays conservative (rollcall/people/matching.py never merges): two records become one
only when an administrator or a team manager who may see both says so, with a reason.

**What a merge moves.** Every row in every app that points at the absorbed child, found by walking
the reverse relations of :class:`~rollcall.people.models.Child` (so casework never imports the
areas above it by name, and a model added later is moved too), one ``UPDATE`` per table and
field. Not moved: django-simple-history's tables (history says what was true then; the absorbed
record's history stays its own) and the merge records themselves. Possible-duplicate pairs are
moved by :func:`_pairs_plan` because a pair has two ends.

**Uniqueness rules a move could break** are read from each model's ``UniqueConstraint``,
``unique_together`` and unique fields, and kept as :data:`RESOLUTIONS` says, each deliberately:

- a second *current* address, *open* roll entry at the same school or *uncleared* child-level flag
  of the same kind: the absorbed record's row moves as well but is closed on the merge day
  (the survivor's open row is the one that carries on); undo opens it again;
- a second attendance record for the same school and year: the absorbed record keeps it (marks
  are replaced by the next import anyway) and the merge record lists it as left behind;
- a second *open case* of one kind: the merge is refused, because closing a case is a workflow
  decision with an outcome; close one of the two cases first;
- any other rule (one added after this was written): refused, naming the table.

**The merge record** (:class:`~rollcall.casework.models.ChildMerge`) keeps who, when, why and
``moved``::

    {"rows":   [{"table": "schools.rollentry", "field": "child", "pks": [4, 9]}, ...],
     "closed": [{"table": "people.address", "field": "moved_out", "value": "2026-11-16", "pks": [7]}],
     "left":   [{"table": "attendance.pupilmarks", "field": "child", "pks": [3], "why": "..."}],
     "pairs":  [{"pk": 5, "status": "open", "reviewed_by": null, "reviewed_at": null}],
     "child_fields": {"upn": "A990..."},
     "absorbed": {...the absorbed record's own field values at the merge...}}

Undo puts every listed row back, within ``settings.CHILD_MERGE_UNDO_DAYS``, and refuses with a
reason if a moved row has since been deleted or moved on, or if putting it back would now break
a rule. Rows added to the survivor after the merge stay with the survivor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from simple_history.models import HistoricalChanges

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.casework import events
from rollcall.casework.access import can_resolve_pair, can_review_duplicates, can_undo_merge
from rollcall.casework.models import ChildMerge
from rollcall.casework.services import CaseworkError
from rollcall.formats import long_date
from rollcall.people.models import Child, PossibleDuplicate

CLOSE = "close"
LEAVE = "leave"
REFUSE = "refuse"

# Fields of the child itself that are unique: a survivor without one takes the absorbed record's.
_CHILD_IDENTIFIERS = ("upn", "consistent_identifier")
_CHANGE_REASON_MAX = 100


@dataclass(frozen=True)
class Resolution:
    """How a merge keeps one uniqueness rule: close the absorbed row, leave it, or refuse."""

    how: str
    close_field: str = ""
    why: str = ""


# Keyed "app_label.model_name.constraint_name". Strings, not imports: casework sits below the areas.
RESOLUTIONS: dict[str, Resolution] = {
    "people.address.address_one_current_per_child": Resolution(
        CLOSE,
        "moved_out",
        "both records had a current address; the absorbed one's is kept as a previous address",
    ),
    "schools.rollentry.roll_one_open_entry": Resolution(
        CLOSE, "on_roll_to", "both records were on the same school's roll; the survivor's entry carries on"
    ),
    "casework.flag.child_flag_once": Resolution(
        CLOSE, "cleared_at", "both records had the same flag raised; the survivor's stays raised"
    ),
    "attendance.pupilmarks.one_record_per_pupil_school_year": Resolution(
        LEAVE, why="the survivor already has marks for that school and year; the next import replaces them"
    ),
    "casework.case.one_open_case_per_kind": Resolution(
        REFUSE, why="both records have an open case of the same kind: close one of them before merging"
    ),
}


class MergeRefused(CaseworkError):
    """A merge, undo or dismissal refused for a reason the person can act on."""


@dataclass
class _Table:
    """What a merge does to one table and field that points at the absorbed child."""

    model: type[models.Model]
    field: str
    move: list[int] = dataclasses.field(default_factory=list)
    close: dict[str, list[int]] = dataclasses.field(default_factory=dict)  # field to set -> primary keys
    left: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # primary key, why

    @property
    def table(self) -> str:
        return self.model._meta.label_lower


@dataclass
class MergePlan:
    """What a merge of ``absorbed`` into ``survivor`` would do; computed without writing."""

    survivor: Child
    absorbed: Child
    tables: list[_Table]
    pairs_move: dict[str, list[int]]  # "child"/"other" -> pair keys to repoint
    pairs_left: list[int]
    pairs_decided: list[PossibleDuplicate]  # the pair between the two records, if recorded
    refusals: list[str]

    def counts(self) -> dict[str, int]:
        """Rows moving, by table name in words ("roll entries": 2), for pages and the timeline."""
        out: dict[str, int] = {}
        for table in self.tables:
            if table.move:
                label = str(table.model._meta.verbose_name_plural)
                out[label] = out.get(label, 0) + len(table.move)
        moved_pairs = sum(len(pks) for pks in self.pairs_move.values())
        if moved_pairs:
            out["possible duplicates"] = moved_pairs
        return out

    def left_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for table in self.tables:
            if table.left:
                label = str(table.model._meta.verbose_name_plural)
                out[label] = out.get(label, 0) + len(table.left)
        if self.pairs_left:
            out["possible duplicates"] = len(self.pairs_left)
        return out


def child_pointers() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) that points at a child and moves in a merge, in a stable order.

    ``include_hidden`` matters: relations declared with ``related_name="+"`` (the access log,
    provision referrals…) are hidden from ``_meta.related_objects`` but must move all the same.
    """
    found: list[tuple[type[models.Model], str]] = []
    for rel in Child._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        model = rel.related_model
        if not isinstance(model, type) or not issubclass(model, models.Model):
            continue
        if issubclass(model, HistoricalChanges) or model in (ChildMerge, PossibleDuplicate):
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        field_name = rel.field.name  # type: ignore[union-attr]
        found.append((model, field_name))
    return sorted(found, key=lambda pair: (pair[0]._meta.label_lower, pair[1]))


def _unique_rules(model: type[models.Model], field_name: str) -> list[tuple[str, tuple[str, ...], Q | None]]:
    """The uniqueness rules of ``model`` that include ``field_name``: (key, fields, condition)."""
    label = model._meta.label_lower
    rules: list[tuple[str, tuple[str, ...], Q | None]] = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            fields = tuple(constraint.fields)
            if field_name in fields or (not fields and constraint.expressions):
                rules.append((f"{label}.{constraint.name}", fields, constraint.condition))
    for together in model._meta.unique_together:
        if field_name in together:
            rules.append((f"{label}.unique_together", tuple(together), None))
    model_field = model._meta.get_field(field_name)
    if getattr(model_field, "unique", False):
        rules.append((f"{label}.{field_name}_unique", (field_name,), None))
    return rules


def _table_plan(
    model: type[models.Model], field_name: str, survivor: Child, absorbed: Child
) -> tuple[_Table, list[str]]:
    manager = model._base_manager
    table = _Table(model=model, field=field_name)
    refusals: list[str] = []
    rows = manager.filter(**{field_name: absorbed.pk})
    pks = list(rows.order_by("pk").values_list("pk", flat=True))
    if not pks:
        return table, refusals
    held_back: set[int] = set()
    for key, fields, condition in _unique_rules(model, field_name):
        if not fields:
            # An expression rule we cannot read: refuse rather than guess.
            refusals.append(f"{model._meta.verbose_name_plural} have a rule the merge cannot check ({key})")
            continue
        others = [name for name in fields if name != field_name]
        twins = manager.filter(**{field_name: survivor.pk}, **{name: OuterRef(name) for name in others})
        clashing = rows
        if condition is not None:
            twins = twins.filter(condition)
            clashing = clashing.filter(condition)
        conflict_pks = list(clashing.filter(Exists(twins)).order_by("pk").values_list("pk", flat=True))
        if not conflict_pks:
            continue
        resolution = RESOLUTIONS.get(key, Resolution(REFUSE))
        if resolution.how == CLOSE:
            table.close.setdefault(resolution.close_field, []).extend(conflict_pks)
        elif resolution.how == LEAVE:
            table.left.extend((pk, resolution.why) for pk in conflict_pks)
            held_back.update(conflict_pks)
        else:
            described = ", ".join(str(row) for row in manager.filter(pk__in=conflict_pks)[:5])
            why = resolution.why or f"the rule {key} allows only one"
            refusals.append(f"{described}: {why}")
    table.move = [pk for pk in pks if pk not in held_back]
    return table, refusals


def _pairs_plan(
    survivor: Child, absorbed: Child
) -> tuple[dict[str, list[int]], list[int], list[PossibleDuplicate]]:
    """Pairs that named the absorbed record now name the survivor, unless the survivor already
    has a pair with that child (either way round: the pair is kept once, the other stays behind)
    or the pair is these two records (marked "same child" instead)."""
    survivor_partners = {
        other
        for child, other in PossibleDuplicate.objects.filter(
            Q(child=survivor) | Q(other=survivor)
        ).values_list("child_id", "other_id")
        for other in (child, other)
    } - {survivor.pk}
    move: dict[str, list[int]] = {"child": [], "other": []}
    left: list[int] = []
    decided: list[PossibleDuplicate] = []
    for pair in PossibleDuplicate.objects.filter(Q(child=absorbed) | Q(other=absorbed)).order_by("pk"):
        end = "child" if pair.child_id == absorbed.pk else "other"
        partner = pair.other_id if end == "child" else pair.child_id
        if partner == survivor.pk:
            decided.append(pair)
        elif partner in survivor_partners:
            left.append(pair.pk)
        else:
            move[end].append(pair.pk)
    return move, left, decided


def merge_plan(*, survivor: Child, absorbed: Child) -> MergePlan:
    """What merging ``absorbed`` into ``survivor`` would move, close, leave and refuse (no writes).

    A few queries per table that points at a child, whatever the number of rows.
    """
    tables: list[_Table] = []
    refusals: list[str] = []
    for model, field_name in child_pointers():
        table, refused = _table_plan(model, field_name, survivor, absorbed)
        refusals.extend(refused)
        if table.move or table.left:
            tables.append(table)
    pairs_move, pairs_left, decided = _pairs_plan(survivor, absorbed)
    return MergePlan(
        survivor=survivor,
        absorbed=absorbed,
        tables=tables,
        pairs_move=pairs_move,
        pairs_left=pairs_left,
        pairs_decided=decided,
        refusals=refusals,
    )


def _close_value(model: type[models.Model], field_name: str, now: dt.datetime) -> dt.datetime | dt.date:
    model_field = model._meta.get_field(field_name)
    return now if isinstance(model_field, models.DateTimeField) else clock.today()


def _snapshot(child: Child) -> dict[str, Any]:
    """The child's own field values, JSON-safe, for the merge record."""
    out: dict[str, Any] = {}
    for model_field in Child._meta.concrete_fields:
        value = getattr(child, model_field.attname)
        out[model_field.attname] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def _save_child(child: Child, actor: User, why: str, fields: Iterable[str]) -> None:
    """Save through the model so django-simple-history records who changed the record and why."""
    child._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
    child._change_reason = why[:_CHANGE_REASON_MAX]  # type: ignore[attr-defined]
    child.save(update_fields=[*fields, "updated_at"])


def _lock_children(*ids: int) -> dict[int, Child]:
    # Lock both records in primary-key order so two merges of the same children queue up
    # instead of deadlocking (no-op on SQLite, which serialises writers anyway).
    return {c.pk: c for c in Child.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def children_merge(
    *,
    survivor: Child,
    absorbed: Child,
    actor: User,
    reason: str,
) -> ChildMerge:
    """Merge ``absorbed`` into ``survivor``: every row of every app moves, the absorbed record
    stays as a redirect, and the merge record says who, why and exactly what moved.

    Raises :class:`MergeRefused` (nothing changed) for a missing reason, a person who may not
    merge these records, a record already merged, or a uniqueness rule the merge may not resolve
    on its own (two open cases of one kind).
    """
    reason = reason.strip()
    if not reason:
        raise MergeRefused("Enter why these records are the same child")
    if survivor.pk == absorbed.pk:
        raise MergeRefused("Choose two different records to merge")
    if not can_resolve_pair(actor, survivor, absorbed):
        raise MergeRefused(
            "Only an administrator, or a team manager who may see both records, can merge them"
        )
    with transaction.atomic():
        locked = _lock_children(survivor.pk, absorbed.pk)
        survivor, absorbed = locked[survivor.pk], locked[absorbed.pk]
        if survivor.merged_into_id is not None or absorbed.merged_into_id is not None:
            raise MergeRefused("One of these records has already been merged into another")
        plan = merge_plan(survivor=survivor, absorbed=absorbed)
        if plan.refusals:
            raise MergeRefused("These records cannot be merged yet: " + "; ".join(plan.refusals))
        now = clock.now()
        moved: dict[str, Any] = {
            "rows": [],
            "closed": [],
            "left": [],
            "pairs": [],
            "child_fields": {},
            "absorbed": _snapshot(absorbed),
        }
        try:
            with transaction.atomic():
                _apply(plan, moved, actor=actor, now=now)
        except IntegrityError as error:
            raise MergeRefused(
                "These records cannot be merged: moving them would break a rule of the records "
                f"({type(error).__name__}). Nothing was changed."
            ) from error

        absorbed_fields = ["merged_into"]
        survivor_fields: list[str] = []
        for name in _CHILD_IDENTIFIERS:
            value = getattr(absorbed, name)
            if value and not getattr(survivor, name):
                moved["child_fields"][name] = value
                setattr(absorbed, name, None)
                setattr(survivor, name, value)
                absorbed_fields.append(name)
                survivor_fields.append(name)
        absorbed.merged_into = survivor
        # The absorbed record first: it gives up its UPN before the survivor takes it.
        _save_child(absorbed, actor, f"Merged into record {survivor.pk}", absorbed_fields)
        _save_child(survivor, actor, f"Absorbed record {absorbed.pk}", survivor_fields)

        merge = ChildMerge.objects.create(
            survivor=survivor, absorbed=absorbed, reason=reason, merged_by=actor, merged_at=now, moved=moved
        )
        events.event_record(
            verb=events.CHILD_MERGED,
            child=survivor,
            actor=actor,
            at=now,
            absorbed=absorbed.pk,
            merge=merge.pk,
            reason=reason,
            moved=plan.counts(),
            left=plan.left_counts(),
        )
    return merge


def _apply(plan: MergePlan, moved: dict[str, Any], *, actor: User, now: dt.datetime) -> None:
    survivor, absorbed = plan.survivor, plan.absorbed
    for table in plan.tables:
        manager = table.model._base_manager
        for close_field, pks in table.close.items():
            value = _close_value(table.model, close_field, now)
            manager.filter(pk__in=pks).update(**{close_field: value})
            moved["closed"].append(
                {"table": table.table, "field": close_field, "value": value.isoformat(), "pks": pks}
            )
        if table.move:
            manager.filter(pk__in=table.move, **{table.field: absorbed.pk}).update(
                **{table.field: survivor.pk}
            )
            moved["rows"].append({"table": table.table, "field": table.field, "pks": table.move})
        if table.left:
            moved["left"].append(
                {
                    "table": table.table,
                    "field": table.field,
                    "pks": [pk for pk, _why in table.left],
                    "why": table.left[0][1],
                }
            )
    pair_table = PossibleDuplicate._meta.label_lower
    for end, pks in plan.pairs_move.items():
        if pks:
            PossibleDuplicate.objects.filter(pk__in=pks).update(**{end: survivor})
            moved["rows"].append({"table": pair_table, "field": end, "pks": pks})
    if plan.pairs_left:
        moved["left"].append(
            {
                "table": pair_table,
                "field": "child",
                "pks": plan.pairs_left,
                "why": "the survivor already has a pair with that child",
            }
        )
    for pair in plan.pairs_decided:
        moved["pairs"].append(
            {
                "pk": pair.pk,
                "status": pair.status,
                "reviewed_by": pair.reviewed_by_id,
                "reviewed_at": pair.reviewed_at.isoformat() if pair.reviewed_at else None,
            }
        )
    if plan.pairs_decided:
        PossibleDuplicate.objects.filter(pk__in=[p.pk for p in plan.pairs_decided]).update(
            status=PossibleDuplicate.Status.SAME_CHILD, reviewed_by=actor, reviewed_at=now
        )


def undo_until(merge: ChildMerge) -> dt.datetime:
    """The last moment this merge may be undone (``CHILD_MERGE_UNDO_DAYS`` after it)."""
    return merge.merged_at + dt.timedelta(days=settings.CHILD_MERGE_UNDO_DAYS)


def merge_undoable(merge: ChildMerge) -> bool:
    """Not yet undone and still inside the undo window."""
    return merge.undone_at is None and clock.now() <= undo_until(merge)


def children_merge_undo(*, merge: ChildMerge, actor: User, reason: str) -> ChildMerge:
    """Put back everything a merge moved and make the absorbed record a record again.

    Refuses (:class:`MergeRefused`, nothing changed) after ``CHILD_MERGE_UNDO_DAYS``, when a
    moved row has since been deleted or moved on, when the survivor has since been merged into
    another record, or when putting the rows back would now break a rule.
    """
    reason = reason.strip()
    if not reason:
        raise MergeRefused("Enter why the merge is being undone")
    if not can_review_duplicates(actor):
        raise MergeRefused(
            "Only an administrator, or a team manager who may see the record, can undo a merge"
        )
    with transaction.atomic():
        merge = ChildMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise MergeRefused("This merge has already been undone")
        if not merge_undoable(merge):
            raise MergeRefused(
                f"A merge can be undone for {settings.CHILD_MERGE_UNDO_DAYS} days only; this one was made on "
                f"{long_date(clock.local_date(merge.merged_at))}"
            )
        locked = _lock_children(merge.survivor_id, merge.absorbed_id)
        survivor, absorbed = locked[merge.survivor_id], locked[merge.absorbed_id]
        # Checked before who may see the survivor: a merged survivor is hidden from everyone.
        if survivor.merged_into_id is not None:
            raise MergeRefused(
                f"The surviving record has since been merged into record {survivor.merged_into_id}: undo that merge first"
            )
        if not can_undo_merge(actor, merge):
            raise MergeRefused(
                "Only an administrator, or a team manager who may see the record, can undo a merge"
            )
        if absorbed.merged_into_id != survivor.pk:
            raise MergeRefused("The absorbed record no longer points at this record")
        moved = merge.moved
        problems: list[str] = []
        for group in moved.get("rows", []):
            model = apps.get_model(group["table"])
            still = model._base_manager.filter(pk__in=group["pks"], **{group["field"]: survivor.pk}).count()
            if still != len(group["pks"]):
                gone = len(group["pks"]) - still
                problems.append(
                    f"{gone} of the {len(group['pks'])} {model._meta.verbose_name_plural} it moved "
                    "have since been deleted or moved to another record"
                )
        for group in moved.get("closed", []):
            model = apps.get_model(group["table"])
            value = model._meta.get_field(group["field"]).to_python(group["value"])
            still = model._base_manager.filter(pk__in=group["pks"], **{group["field"]: value}).count()
            if still != len(group["pks"]):
                problems.append(f"{model._meta.verbose_name_plural} it closed have since been changed")
        for name, value in moved.get("child_fields", {}).items():
            if Child.objects.filter(**{name: value}).exclude(pk=survivor.pk).exists():
                problems.append(
                    f"the {name.upper() if name == 'upn' else name} it moved is now held by another record"
                )
        if problems:
            raise MergeRefused("This merge cannot be undone: " + "; ".join(problems))

        now = clock.now()
        try:
            with transaction.atomic():
                _unapply(moved, survivor=survivor, absorbed=absorbed)
        except IntegrityError as error:
            raise MergeRefused(
                "This merge cannot be undone: putting the records back would now break a rule of the "
                "records (for example two open cases of one kind for the absorbed record). Nothing was changed."
            ) from error
        for name in moved.get("child_fields", {}):
            setattr(survivor, name, None)
        _save_child(
            survivor, actor, f"Merge with record {absorbed.pk} undone", list(moved.get("child_fields", {}))
        )
        for name, value in moved.get("child_fields", {}).items():
            setattr(absorbed, name, value)
        absorbed.merged_into = None
        _save_child(
            absorbed,
            actor,
            f"Merge into record {survivor.pk} undone",
            ["merged_into", *moved.get("child_fields", {})],
        )
        merge.undone_at = now
        merge.undone_by = actor
        merge.undo_reason = reason
        merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        for child, other in ((survivor, absorbed), (absorbed, survivor)):
            events.event_record(
                verb=events.CHILD_MERGE_UNDONE,
                child=child,
                actor=actor,
                at=now,
                other=other.pk,
                merge=merge.pk,
                reason=reason,
            )
    return merge


def _unapply(moved: dict[str, Any], *, survivor: Child, absorbed: Child) -> None:
    for group in moved.get("rows", []):
        model = apps.get_model(group["table"])
        model._base_manager.filter(pk__in=group["pks"], **{group["field"]: survivor.pk}).update(
            **{group["field"]: absorbed.pk}
        )
    for group in moved.get("closed", []):
        model = apps.get_model(group["table"])
        model._base_manager.filter(pk__in=group["pks"]).update(**{group["field"]: None})
    for pair in moved.get("pairs", []):
        reviewed_at = dt.datetime.fromisoformat(pair["reviewed_at"]) if pair["reviewed_at"] else None
        PossibleDuplicate.objects.filter(pk=pair["pk"]).update(
            status=pair["status"], reviewed_by_id=pair["reviewed_by"], reviewed_at=reviewed_at
        )


def duplicate_dismiss(*, pair: PossibleDuplicate, actor: User, reason: str) -> PossibleDuplicate:
    """Record that the two records are not the same child: the pair leaves the queue for good.

    The pair row stays with its new status, and matching records a pair once whichever way round
    (a unique rule on the pair), so the same two records are never offered again.
    """
    reason = reason.strip()
    if not reason:
        raise MergeRefused("Enter why these are not the same child")
    if not can_resolve_pair(actor, pair.child_id, pair.other_id):
        raise MergeRefused(
            "Only an administrator, or a team manager who may see both records, can decide this"
        )
    with transaction.atomic():
        pair = PossibleDuplicate.objects.select_for_update().get(pk=pair.pk)
        if pair.status != PossibleDuplicate.Status.OPEN:
            raise MergeRefused("Someone has already decided about these two records")
        now = clock.now()
        pair.status = PossibleDuplicate.Status.NOT_DUPLICATE
        pair.reviewed_by = actor
        pair.reviewed_at = now
        pair.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        for child_id, other_id in ((pair.child_id, pair.other_id), (pair.other_id, pair.child_id)):
            events.event_record(
                verb=events.DUPLICATE_DISMISSED,
                child=child_id,
                actor=actor,
                at=now,
                other=other_id,
                reason=reason,
            )
    return pair


def merges_to_undo(user: User, child: Child) -> list[ChildMerge]:
    """Merges into this child that this person may still undo: the undo button on its page.

    Called for a child the person already sees, so a reviewer may undo every one (one query).
    """
    if not can_review_duplicates(user):
        return []
    since = clock.now() - dt.timedelta(days=settings.CHILD_MERGE_UNDO_DAYS)
    merges = ChildMerge.objects.filter(survivor=child, undone_at__isnull=True, merged_at__gte=since)
    return list(merges.select_related("absorbed", "merged_by").order_by("-merged_at", "-pk"))
