"""Timeline events: recorded with a stable verb and typed payload, rendered to words on display.

Wording lives in code, not in the database, so it can be improved without migrating rows. Each
verb is defined once, with its words, by the app that records it: casework's own verbs below;
an area declares its verbs in its own ``events.py`` (e.g. ``rollcall/health/events.py``), calls
:func:`events_words_register` there and imports that module from its ``AppConfig.ready``.
Services record one event with :func:`event_record`, many with :func:`events_record_bulk`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.bulk_insert import insert_rows
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
CHILD_MERGED = "child.merged"
CHILD_MERGE_UNDONE = "child.merge_undone"
DUPLICATE_DISMISSED = "duplicate.dismissed"
CARER_MESSAGED = "carer.messaged"
CARER_MESSAGE_FAILED = "carer.message_failed"


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


@dataclass(frozen=True, slots=True)
class BulkEvent:
    """One timeline event for :func:`events_record_bulk` (its ``at`` is the call's)."""

    child_id: int
    verb: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    case_id: int | None = None
    team_id: int | None = None
    actor_id: int | None = None


def events_record_bulk(*, records: Iterable[BulkEvent], at: dt.datetime) -> int:
    """Add many events to children's timelines in a few queries; returns how many.

    For the sweep, imports and prompts (call inside their transaction). The event table has no
    unique key: a caller that must not record the same facts twice looks for them first, as the
    attendance prompts do with ``attendance_key``, or claims its rows with a conditional update.
    Unlike :func:`event_record`, the team is not taken from the case: pass ``team_id``.

    Written by ``rollcall.bulk_insert.insert_rows``, with the values adapted once per column
    rather than through a model instance per event (the first roll of a county records
    100,000 "record created" events: ``bulk_create`` spent most of its time building instances).
    """
    by_name = {f.name: f for f in Event._meta.concrete_fields}
    fields = [by_name[name] for name in ("child", "case", "team", "verb", "actor", "at", "payload")]
    when = by_name["at"].get_db_prep_save(at, connection)
    payload = by_name["payload"]
    values = [
        (
            record.child_id,
            record.case_id,
            record.team_id,
            record.verb,
            record.actor_id,
            when,
            payload.get_db_prep_save(dict(record.payload), connection),
        )
        for record in records
    ]
    return insert_rows(Event, [field.column for field in fields], values)


Words = Callable[[Mapping[str, Any]], str]
"""How one verb reads on the timeline: its words made from the event's payload."""


class _Defaulting(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


# Every verb's words: casework's own below, each area's from its own events module (see
# events_words_register). A verb is defined once, in the app that records it.
_WORDS: dict[str, Words | str] = {}


def events_words_register(words: Mapping[str, Words | str]) -> None:
    """Give verbs their timeline words: a ``str.format`` template over the payload (a missing
    fact reads "?") or a function of the payload.

    Each app registers the verbs it records, once, from its own events module (which its
    AppConfig.ready imports), so the timeline reads every verb without casework importing the
    areas. A verb registered again with other words is refused: two apps cannot own one verb.
    """
    for verb, render in words.items():
        if _WORDS.get(verb, render) != render:
            raise ValueError(f"The timeline verb {verb!r} already has other words")
    _WORDS.update(words)


def events_verbs() -> frozenset[str]:
    """Every verb that has words on the timeline."""
    return frozenset(_WORDS)


events_words_register(
    {
        CASE_OPENED: "{kind_label} case {reference} opened ({source}); owner {owner}",
        CASE_MOVED: lambda p: (
            f"{p.get('name', 'Moved')}: {p.get('from_label', '?')} → {p.get('to_label', '?')}"
            + (f". Outcome: {p['outcome_label']}" if p.get("outcome_label") else "")
            + (f". Reason: {p['reason']}" if p.get("reason") else "")
        ),
        CASE_ASSIGNED: "Case {reference} assigned to {owner}",
        CASE_ESCALATED: "Case {reference} escalated to {level_label} (work overdue since {overdue_since})",
        CASE_UPDATED: "New information added to case {reference}: {what}",
        NOTE_ADDED: "Note added to case {reference}",
        ENQUIRY_RECORDED: "Enquiry with {party_label} on {made_on}: {result_label}",
        TASK_ADDED: "Task added: {title}, due {due}",
        TASK_COMPLETED: "Task done: {title}",
        REMOVAL_NOTIFIED: lambda p: (
            f"{p.get('school', '?')} removed the pupil from its roll on {p.get('removal_date', '?')}"
            + (f" on ground ({p['ground']})" if p.get("ground") else " with no ground given")
            + (f"; destination {p['destination']}" if p.get("destination") else "; destination not known")
        ),
        ROLL_JOINED: "On roll at {school} from {on_roll_from}",
        FLAG_RAISED: "Flag raised: {label}",
        FLAG_CLEARED: "Flag cleared: {label} ({details})",
        CHILD_CREATED: "Record created ({source})",
        CHILD_MERGED: lambda p: (
            f"Record {p.get('absorbed', '?')} merged into this one: {p.get('reason', '')}"
            + (
                ". Moved: " + ", ".join(f"{n} {label}" for label, n in p["moved"].items())
                if p.get("moved")
                else ""
            )
            + (
                ". Left on the old record: " + ", ".join(f"{n} {label}" for label, n in p["left"].items())
                if p.get("left")
                else ""
            )
        ),
        CHILD_MERGE_UNDONE: "Merge with record {other} undone: {reason}",
        DUPLICATE_DISMISSED: "Not the same child as record {other}: {reason}",
        CARER_MESSAGED: "{channel} to {carer} sent through GOV.UK Notify: {what}",
        CARER_MESSAGE_FAILED: "{channel} to {carer} not delivered: {reason}",
    }
)


def event_text(event: Event) -> str:
    """The words for one event on the timeline (the verb itself if no app gave it words)."""
    render = _WORDS.get(event.verb)
    if render is None:
        return event.verb
    if isinstance(render, str):
        return render.format_map(_Defaulting(event.payload))
    return render(event.payload)
