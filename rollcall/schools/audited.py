"""Schools and their rolls on the audit trail (rollcall.audit_registry)."""

from rollcall.audit_registry import Tracked, track
from rollcall.schools.models import RollEntry, School

track(
    Tracked(
        "Roll entry", RollEntry, "child_id", lambda r: f"Roll entry {r.id} from {r.on_roll_from:%d/%m/%Y}"
    ),
    Tracked("School", School, None, lambda r: f"{r.name} (URN {r.urn})"),
)
