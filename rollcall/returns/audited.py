"""Returns schools send, and busy days, on the audit trail (rollcall.audit_registry).

A refused claim is a change of its return's status by the officer who refused it; a burst is a
row of its own. Both are on the administrators' list of returns to watch as well.
"""

from rollcall.audit_registry import Tracked, track
from rollcall.returns.models import ReturnBurst, SchoolReturn

track(
    Tracked("School return", SchoolReturn, "child_id", lambda r: f"Return RTN-{r.id:06d}"),
    Tracked(
        "Busy day of returns", ReturnBurst, None, lambda r: f"{r.returns_then} returns on {r.day:%d/%m/%Y}"
    ),
)
