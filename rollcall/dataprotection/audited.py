"""Retention runs and subject access requests on the audit trail (rollcall.audit_registry)."""

from rollcall.audit_registry import Tracked, track
from rollcall.dataprotection.models import Erasure, RetentionSettings, SubjectAccessRequest

track(
    Tracked("Retention erasure", Erasure, None, lambda r: f"{r.record_type}: {r.count} ({r.action})"),
    Tracked("Retention schedule", RetentionSettings, None, lambda r: "Retention schedule"),
    Tracked("Subject access request", SubjectAccessRequest, "child_id", lambda r: f"Request {r.id}"),
)
