"""The access log's entry point for the apps below the audit app (people, schools).

Every response that shows a child's record is logged (docs/access.md). The audit app writes the
log, but people and schools sit below it and may not import it; they call :func:`children_shown`
here instead, and the audit app plugs its writer in when Django starts (``AuditConfig.ready``).
Apps above audit call ``rollcall.audit.services.log_shown`` directly: it is the same writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

Writer = Callable[[Any, Iterable[int], str], int]
_writer: list[Writer] = []


def register_writer(writer: Writer) -> None:
    """Called once by the audit app: the function that writes one row per child shown."""
    _writer[:] = [writer]


def children_shown(request: Any, children: Iterable[int], what: str) -> int:
    """Log that this response shows the signed-in user these children (ids)."""
    if not _writer:
        raise ImproperlyConfigured("The audit app is not installed: nothing would log this view.")
    return _writer[0](request, children, what)
