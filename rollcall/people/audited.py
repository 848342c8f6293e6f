"""The child's records on the audit trail (rollcall.audit_registry)."""

from rollcall.audit_registry import Tracked, track
from rollcall.people.models import Address, Carer, Child

track(
    Tracked("Child", Child, "id", lambda r: f"{r.legal_forename} {r.legal_surname}"),
    Tracked("Address", Address, "child_id", lambda r: f"{r.line_1}, {r.postcode}"),
    Tracked("Carer", Carer, "child_id", lambda r: f"{r.name} ({r.relationship})"),
)
