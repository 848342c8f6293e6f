"""Timeline events: recorded with a stable verb and typed payload, rendered to words on display.

Wording lives here, not in the database, so it can be improved without migrating rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.casework.models import Case, Event
from rollcall.people.models import Child

CASE_OPENED = "case.opened"
CASE_MOVED = "case.moved"
CASE_ASSIGNED = "case.assigned"
CASE_ESCALATED = "case.escalated"
CASE_UPDATED = "case.updated"
NOTE_ADDED = "note.added"
ENQUIRY_RECORDED = "enquiry.recorded"
TASK_ADDED = "task.added"
TASK_COMPLETED = "task.completed"
REMOVAL_NOTIFIED = "removal.notified"
ROLL_JOINED = "roll.joined"
FLAG_RAISED = "flag.raised"
FLAG_CLEARED = "flag.cleared"
CHILD_CREATED = "child.created"


def event_record(
    *,
    verb: str,
    child: Child | int,
    case: Case | None = None,
    actor: User | None = None,
    team: Team | None = None,
    at: dt.datetime | None = None,
    **payload: Any,
) -> Event:
    """Add one event to the child's timeline (call inside the service's transaction).

    ``at`` is when it happened, if not now (the demo council and back-dated imports).
    """
    child_id = child if isinstance(child, int) else child.pk
    return Event.objects.create(
        child_id=child_id,
        case=case,
        team=team if team is not None else (case.team if case is not None else None),
        verb=verb,
        actor=actor,
        at=at or clock.now(),
        payload=payload,
    )


def _text(template: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda p: template.format_map(_Defaulting(p))


class _Defaulting(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


_WORDS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    CASE_OPENED: _text("{kind_label} case {reference} opened ({source}); owner {owner}"),
    CASE_MOVED: lambda p: (
        f"{p.get('name', 'Moved')}: {p.get('from_label', '?')} → {p.get('to_label', '?')}"
        + (f". Outcome: {p['outcome_label']}" if p.get("outcome_label") else "")
        + (f". Reason: {p['reason']}" if p.get("reason") else "")
    ),
    CASE_ASSIGNED: _text("Case {reference} assigned to {owner}"),
    CASE_ESCALATED: _text("Case {reference} escalated to {level_label} (work overdue since {overdue_since})"),
    CASE_UPDATED: _text("New information added to case {reference}: {what}"),
    NOTE_ADDED: _text("Note added to case {reference}"),
    ENQUIRY_RECORDED: _text("Enquiry with {party_label} on {made_on}: {result_label}"),
    TASK_ADDED: _text("Task added: {title}, due {due}"),
    TASK_COMPLETED: _text("Task done: {title}"),
    REMOVAL_NOTIFIED: lambda p: (
        f"{p.get('school', '?')} removed the pupil from its roll on {p.get('removal_date', '?')}"
        + (f" on ground ({p['ground']})" if p.get("ground") else " with no ground given")
        + (f"; destination {p['destination']}" if p.get("destination") else "; destination not known")
    ),
    ROLL_JOINED: _text("On roll at {school} from {on_roll_from}"),
    FLAG_RAISED: _text("Flag raised: {label}"),
    FLAG_CLEARED: _text("Flag cleared: {label} ({details})"),
    "attendance.possibly_left": _text(
        "{school} asked whether the pupil has left: no marks since {since} ({days} school days)"
    ),
    CHILD_CREATED: _text("Record created ({source})"),
    "health.reported": _text("Reported absent through illness by {school} ({days} school days)"),
    "health.referred": _text("Referred to {provision}"),
    "health.contact": _text("Named contact: {officer}"),
    "health.checkin": _text("Check-in on {done_on} ({method})"),
    "health.reintegration": _text("Reintegration planned with {school}, return by {target}"),
    "health.sen_panel": _text("SEN panel request on {panel_date}: not attending school"),
    "admission.application": _text("In-year application recorded (first preference {school}); risk {rating}"),
    "admission.offer": _text("Place offered at {school}; school asked to confirm by {answer_due}"),
    "admission.school_answered": lambda p: (
        (
            f"{p.get('school', '?')} confirmed on roll from {p.get('on_roll_from', '?')}"
            + (f", attending from {p['attended_from']}" if p.get("attended_from") else "")
        )
        if p.get("on_roll")
        else f"{p.get('school', '?')} said not on roll: {p.get('reason', '')}"
    ),
    "admission.contact": _text("Contact with {party_label} on {made_on}: {intent_label}"),
    "admission.reminded": _text("{school} reminded: no answer by {answer_due}"),
    "admission.referred_cme": _text(
        "Place at {school} not taken up: referred to Inclusion as CME ({reference})"
    ),
    "admission.deferred": _text("Deferred place at {school}, due to start {due_to_start}"),
    "fair_access.referred": _text("Fair Access referral ({category_label}); place due by {placement_due}"),
    "fair_access.allocated": _text("Fair Access panel allocated a place at {school}"),
    "fair_access.direction": _text("Fair Access: direction requested"),
    "fair_access.admitted": _text("Fair Access: admitted at {school}"),
}


def event_text(event: Event) -> str:
    """The words for one event on the timeline."""
    render = _WORDS.get(event.verb)
    return render(event.payload) if render else event.verb
