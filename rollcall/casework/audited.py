"""Cases and tasks on the audit trail (rollcall.audit_registry)."""

from typing import Any

from rollcall.audit_registry import Tracked, track
from rollcall.casework.models import Case, Task


def _case_reference(record: Any) -> str:
    return f"{str(record.kind).upper()}-{record.id:06d}"


track(
    Tracked("Case", Case, "child_id", _case_reference),
    Tracked("Task", Task, "case__child_id", lambda r: str(r.title)),
)
