"""No lost updates: every edited row carries a version, and a save claims the next one.

Issue 11, finding 6: two people open the same form; without this the later save silently
overwrites the earlier one. Each versioned model has an integer ``version`` column. A page or API
client reads it with the row; the service that saves takes it back as ``expected_version`` and
claims the next version with one conditional update::

    UPDATE … SET version = version + 1 WHERE id = %s AND version = %s

Exactly one of two writers that read the same version gets a row back; the other gets none and
is refused with :class:`EditConflict`, which carries what changed since the version it read (from
django-simple-history's rows where the model has them, otherwise from the values the form was
rendered with). The update holds the row until the transaction commits (PostgreSQL's row lock,
SQLite's database write lock), so the check and the write that follows cannot be split by a
second writer on either database: the same SQL, no ``SELECT … FOR UPDATE``.

Writers that did not read a version first (the sweep, Roll Call acting on a return, a service
called by another service) still bump it with ``expected_version=None``, so a form opened before
them is refused too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from rollcall.formats import long_date

STALE = "Someone else changed this since you opened it"
MISSING = "Not set"


@dataclass(frozen=True)
class Change:
    """One field that changed since the version someone read, as the form labels it."""

    label: str
    was: str | None  # None: not known (a model without history and no values from the form)
    now: str


class EditConflict(Exception):
    """A save refused because the row moved on since ``expected_version``; ``str()`` is STALE."""

    def __init__(self, *, expected_version: int, current_version: int, changes: Sequence[Change]) -> None:
        super().__init__(STALE)
        self.expected_version = expected_version
        self.current_version = current_version
        self.changes = tuple(changes)


def version_claim(
    instance: models.Model,
    *,
    expected_version: int | None,
    labels: Mapping[str, str],
    rendered: Mapping[str, Any] | None = None,
    describe: Mapping[str, Callable[[Any], str]] | None = None,
) -> None:
    """Take the next version of ``instance``'s row, or raise EditConflict if it has moved on.

    ``expected_version`` is the version the person read (None: whatever is there now, for
    writers that did not read one). ``labels`` name the fields a person can see, field name →
    label, for the conflict's list of changes; ``rendered`` gives their old values when the model
    keeps no history; ``describe`` shows a field's value where its own choices cannot (a case's
    status is its workflow's). On success ``instance.version`` is the new version, so a following
    ``save(update_fields=[…, "version"])`` records it (and its history row carries it).
    Must run inside ``transaction.atomic`` so the claim holds until the write commits.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("version_claim must run inside transaction.atomic")
    manager = type(instance)._default_manager
    rows = manager.filter(pk=instance.pk)
    if expected_version is None:
        rows.update(version=F("version") + 1)
        instance.version = rows.values_list("version", flat=True).get()  # type: ignore[attr-defined]
        return
    if rows.filter(version=expected_version).update(version=F("version") + 1):
        instance.version = expected_version + 1  # type: ignore[attr-defined]
        return
    raise conflict(
        type(instance), instance.pk, expected_version, labels=labels, rendered=rendered, describe=describe
    )


def conflict(
    model: type[models.Model],
    pk: Any,
    expected_version: int,
    *,
    labels: Mapping[str, str],
    rendered: Mapping[str, Any] | None = None,
    describe: Mapping[str, Callable[[Any], str]] | None = None,
) -> EditConflict:
    """The refusal for a save made at ``expected_version``: what changed, and the version now."""
    current = model._default_manager.get(pk=pk)
    old = rendered if rendered is not None else _values_at(model, pk, expected_version, labels)
    changes: list[Change] = []
    for name, label in labels.items():
        field = model._meta.get_field(name)
        now = getattr(current, _attname(model, name))
        if old is None or name not in old:
            # Nothing says what it was: show what is set now, so the person can still check.
            if _comparable(now) != "":
                custom = (describe or {}).get(name)
                changes.append(
                    Change(label=label, was=None, now=custom(now) if custom else display(field, now))
                )
            continue
        was = old[name]
        if _comparable(was) != _comparable(now):
            custom = (describe or {}).get(name)
            if custom is not None:
                changes.append(Change(label=label, was=custom(was), now=custom(now)))
            else:
                changes.append(Change(label=label, was=display(field, was), now=display(field, now)))
    return EditConflict(
        expected_version=expected_version,
        current_version=current.version,  # type: ignore[attr-defined]
        changes=changes,
    )


def _values_at(
    model: type[models.Model], pk: Any, version: int, labels: Mapping[str, str]
) -> dict[str, Any] | None:
    """The labelled fields as they were at ``version``, from the model's history rows.

    The latest history row at or before that version: a write that bumps the version without a
    history row (a bulk update by the sweep) leaves its version with no row of its own.
    """
    history = getattr(model, "history", None)
    if history is None:
        return None
    pk_name = model._meta.pk.attname
    row = (
        history.filter(**{pk_name: pk, "version__lte": version})
        .order_by("-version", "-history_date", "-history_id")
        .first()
    )
    if row is None:
        return None
    return {name: getattr(row, _attname(model, name)) for name in labels}


def _attname(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return str(field.attname)


def _comparable(value: Any) -> Any:
    return "" if value is None else value


def display(field: Any, value: Any) -> str:
    """A stored value as a person reads it: a related record's name, a choice's label, a date."""
    if value is None or value == "":
        return MISSING
    if getattr(field, "is_relation", False) and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else MISSING
    choices = dict(getattr(field, "flatchoices", None) or ())
    if value in choices:
        return str(choices[value])
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        return f"{long_date(local.date())}, {local:%H:%M}"
    if isinstance(value, dt.date):
        return long_date(value)
    return str(value)
