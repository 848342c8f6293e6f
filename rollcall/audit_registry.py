"""The models whose change history the audit page shows, registered by the apps that own them.

The audit app sits above people and schools and below casework and the areas: it may not import
casework's models, and people and schools may not import it. So the list lives here in the
kernel, below them all. Each app that wants its records on the audit trail has an ``audited.py``
module that calls :func:`track` at import time; :func:`tracked` imports every installed app's
``audited`` module once (Django's ``autodiscover_modules``, as the admin finds ``admin.py``), in
INSTALLED_APPS order, which is the order the audit page unions their histories in. A tracked
model must keep its history with django-simple-history (``history = HistoricalRecords()``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import models
from django.utils.module_loading import autodiscover_modules

__all__ = ["Tracked", "track", "tracked", "tracked_by_label"]


@dataclass(frozen=True)
class Tracked:
    """One model whose history the audit page shows."""

    label: str
    model: type[models.Model]
    child: str | None  # the lookup from a history row to its child, if the record belongs to one
    describe: Callable[[Any], str]


_TRACKED: list[Tracked] = []


def track(*models_: Tracked) -> None:
    """Put models' history on the audit page (called by each app's ``audited.py``).

    Labels name the kind of record on the page and key the union of histories, so each is unique.
    """
    for item in models_:
        if any(t.label == item.label for t in _TRACKED):
            raise ValueError(f"The audit trail already tracks a model labelled {item.label!r}.")
        if not hasattr(item.model, "history"):
            raise ValueError(f"{item.model.__name__} keeps no history (HistoricalRecords) to audit.")
        _TRACKED.append(item)


@cache
def _discover() -> None:
    autodiscover_modules("audited")


def tracked() -> tuple[Tracked, ...]:
    """Every tracked model, in the order the apps registered them."""
    _discover()
    return tuple(_TRACKED)


def tracked_by_label() -> dict[str, Tracked]:
    return {t.label: t for t in tracked()}
