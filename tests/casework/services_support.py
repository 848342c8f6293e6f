"""What the casework service tests share: the dates they run at, opening a case, and a snapshot
of everything a refused change must leave as it was."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rollcall.accounts.models import Team
from rollcall.casework.models import Case, Event, Flag, Note, Task
from rollcall.casework.services import case_open
from rollcall.notify.models import Message

# Friday 23 October 2026 is the last day of the first autumn half-term in the demo term pattern
# (rollcall.rules.calendar.default_terms): the October half-term runs Monday 26 to Friday 30
# October, and school starts again on Monday 2 November.
LAST_DAY_BEFORE_HALF_TERM = dt.datetime(2026, 10, 23, 9, 0, tzinfo=dt.UTC)  # 10:00 in London (BST)
NOW = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)


def open_case(child: Any, inclusion: Team, kind: str = "cme", **kwargs: Any) -> Case:
    return case_open(
        child=child, kind=kind, team=inclusion, source="referral from the school nurse", **kwargs
    )


def snapshot() -> dict[str, Any]:
    """Everything a refused change must leave as it was."""
    return {
        "cases": list(
            Case.objects.order_by("pk").values_list(
                "pk",
                "status",
                "closed_at",
                "outcome",
                "outcome_details",
                "owner_id",
                "next_action_due",
                "escalation_level",
                "next_escalation_on",
            )
        ),
        "tasks": list(Task.objects.order_by("pk").values_list("pk", "status", "assignee_id", "due")),
        "events": Event.objects.count(),
        "messages": Message.objects.count(),
        "flags": list(Flag.objects.order_by("pk").values_list("pk", "cleared_at")),
        "notes": Note.objects.count(),
    }
