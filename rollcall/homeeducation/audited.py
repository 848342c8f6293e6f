"""Home-education records on the audit trail (rollcall.audit_registry)."""

from rollcall.audit_registry import Tracked, track
from rollcall.homeeducation.models import (
    EHEContact,
    EHEEvidence,
    EHERecord,
    InformationRequest,
    PartTimeArrangement,
    SAONotice,
)

track(
    Tracked("Home-education record", EHERecord, "child_id", lambda r: f"Home education ({r.source})"),
    Tracked("Home-education contact", EHEContact, "record__child_id", lambda r: f"Contact on {r.made_on}"),
    Tracked(
        "Home-education evidence", EHEEvidence, "record__child_id", lambda r: f"Evidence of {r.received_on}"
    ),
    Tracked(
        "Attendance order notice", SAONotice, "record__child_id", lambda r: f"{r.step} served {r.served_on}"
    ),
    Tracked(
        "Part-time arrangement", PartTimeArrangement, "child_id", lambda r: f"{r.kind} from {r.starts_on}"
    ),
    Tracked("Request for register information", InformationRequest, "child_id", lambda r: f"Due {r.due_on}"),
)
