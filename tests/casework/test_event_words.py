"""The timeline words of every verb recorded today, pinned, whichever app declares them.

Each verb is rendered from a typical payload, as the services write it. The words are the same
before and after the verbs moved to the apps that record them (casework keeps its own).
"""

from __future__ import annotations

import ast
import importlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import rollcall
from rollcall.casework.events import event_text, events_verbs, events_words_register
from rollcall.casework.models import Event

TIMELINE: list[tuple[str, dict[str, Any], str]] = [
    # casework
    # casework: messages to carers through GOV.UK Notify (casework/carers.py)
    (
        "carer.messaged",
        {"channel": "Text message", "carer": "Ada Example", "what": "asked them to contact the team"},
        "Text message to Ada Example sent through GOV.UK Notify: asked them to contact the team",
    ),
    (
        "carer.message_failed",
        {"channel": "Letter", "carer": "the parents", "reason": "Letter returned"},
        "Letter to the parents not delivered: Letter returned",
    ),
    (
        "case.opened",
        {
            "kind_label": "Children missing education",
            "reference": "CME-000042",
            "source": "Referral",
            "owner": "Ada Officer",
        },
        "Children missing education case CME-000042 opened (Referral); owner Ada Officer",
    ),
    (
        "case.moved",
        {
            "name": "Close",
            "from_label": "Enquiries",
            "to_label": "Closed",
            "outcome_label": "Back on roll",
            "reason": "Found",
        },
        "Close: Enquiries → Closed. Outcome: Back on roll. Reason: Found",
    ),
    (
        "case.moved",
        {"name": "Start enquiries", "from_label": "New", "to_label": "Enquiries"},
        "Start enquiries: New → Enquiries",
    ),
    (
        "case.assigned",
        {"reference": "CME-000042", "owner": "Ben Officer"},
        "Case CME-000042 assigned to Ben Officer",
    ),
    (
        "case.escalated",
        {"reference": "CME-000042", "level": 2, "level_label": "Manager", "overdue_since": "2026-11-02"},
        "Case CME-000042 escalated to Manager (work overdue since 2026-11-02)",
    ),
    (
        "case.updated",
        {"reference": "CME-000042", "what": "Attendance marks"},
        "New information added to case CME-000042: Attendance marks",
    ),
    ("note.added", {"reference": "CME-000042"}, "Note added to case CME-000042"),
    (
        "enquiry.recorded",
        {"party_label": "Police", "made_on": "2026-11-16", "result_label": "Nothing known"},
        "Enquiry with Police on 2026-11-16: Nothing known",
    ),
    (
        "task.added",
        {"title": "Visit the family", "due": "2026-11-20"},
        "Task added: Visit the family, due 2026-11-20",
    ),
    ("task.completed", {"title": "Visit the family"}, "Task done: Visit the family"),
    (
        "removal.notified",
        {
            "school": "Moorside Academy",
            "removal_date": "2026-11-13",
            "ground": "b",
            "destination": "Hill School",
        },
        "Moorside Academy removed the pupil from its roll on 2026-11-13 on ground (b); destination Hill School",
    ),
    (
        "removal.notified",
        {"school": "Moorside Academy", "removal_date": "2026-11-13"},
        "Moorside Academy removed the pupil from its roll on 2026-11-13 with no ground given; destination not known",
    ),
    (
        "roll.joined",
        {"school": "Hill School", "on_roll_from": "2026-11-16"},
        "On roll at Hill School from 2026-11-16",
    ),
    (
        "roll.left_without_notice",
        {"school": "Hill School", "left_on": "2026-11-17", "due": "2026-11-24"},
        "Left the roll of Hill School on 2026-11-17 with no deletion return; the school was asked for it by 2026-11-24",
    ),
    (
        "flag.raised",
        {"label": "Child missing education", "details": "x"},
        "Flag raised: Child missing education",
    ),
    (
        "flag.cleared",
        {"label": "Persistent absence", "details": "Attendance marks no longer show it"},
        "Flag cleared: Persistent absence (Attendance marks no longer show it)",
    ),
    ("child.created", {"source": "Removal notice"}, "Record created (Removal notice)"),
    (
        "child.merged",
        {"absorbed": 7, "reason": "Same UPN", "moved": {"cases": 1, "events": 3}, "left": {}},
        "Record 7 merged into this one: Same UPN. Moved: 1 cases, 3 events",
    ),
    (
        "child.merge_undone",
        {"other": 7, "reason": "Twins"},
        "Merge with record 7 undone: Twins",
    ),
    (
        "duplicate.dismissed",
        {"other": 7, "reason": "Twins"},
        "Not the same child as record 7: Twins",
    ),
    # returns
    (
        "return.held",
        {"kind_label": "Removal notice", "reference": "RTN-000003", "school": "Moorside Academy"},
        "Removal notice return RTN-000003 from Moorside Academy held for the council to check the details",
    ),
    ("return.confirmed", {"reference": "RTN-000003"}, "Return RTN-000003 checked and applied"),
    (
        "return.refused",
        {"reference": "RTN-000003"},
        "Return RTN-000003 refused: the details did not belong to this child",
    ),
    # attendance
    (
        "attendance.possibly_left",
        {"school": "Moorside Academy", "since": "2 November 2026", "days": 10, "attendance_key": "k"},
        "Moorside Academy asked whether the pupil has left: no marks since 2 November 2026 (10 school days)",
    ),
    # health
    (
        "health.reported",
        {"school": "Moorside Academy", "days": 15},
        "Reported absent through illness by Moorside Academy (15 school days)",
    ),
    ("health.referred", {"provision": "Hospital school"}, "Referred to Hospital school"),
    ("health.contact", {"officer": "Cara Officer"}, "Named contact: Cara Officer"),
    ("health.checkin", {"done_on": "2026-11-16", "method": "Visit"}, "Check-in on 2026-11-16 (Visit)"),
    (
        "health.reintegration",
        {"school": "Moorside Academy", "target": "2027-01-11"},
        "Reintegration planned with Moorside Academy, return by 2027-01-11",
    ),
    (
        "health.sen_panel",
        {"panel_date": "2026-12-01"},
        "SEN panel request on 2026-12-01: not attending school",
    ),
    # exclusions and attendance enforcement
    (
        "exclusion.notified",
        {
            "kind": "Suspension",
            "first_day": "2 November 2026",
            "school": "Moorside Academy",
            "length": "2.5 school days",
        },
        "Suspension from 2 November 2026 notified by Moorside Academy (2.5 school days)",
    ),
    (
        "exclusion.step",
        {
            "step": "Independent review panel met",
            "on": "4 December 2026",
            "outcome": ": quashed and reconsideration directed",
        },
        "Independent review panel met on 4 December 2026: quashed and reconsideration directed",
    ),
    (
        "exclusion.budget_adjustment",
        {"amount": "4,000", "school": "Moorside Academy", "on": "20 January 2027"},
        "Budget adjustment of £4,000 for Moorside Academy: the review panel quashed the permanent "
        "exclusion and the board did not reinstate when it reconsidered on 20 January 2027",
    ),
    (
        "exclusion.provision",
        {"provision_from": "9 November 2026", "provider": "Moorside Pupil Referral Unit"},
        "Full-time education from 9 November 2026: Moorside Pupil Referral Unit",
    ),
    (
        "exclusion.no_provision",
        {"sixth_day": "9 November 2026"},
        "No full-time education recorded by the sixth school day (9 November 2026): escalated",
    ),
    (
        "penalty.threshold",
        {"sessions": 10, "window_start": "2 September 2026", "reached_on": "13 November 2026"},
        "10 unauthorised sessions in the rolling window 2 September 2026 to 13 November 2026: "
        "a penalty notice to consider",
    ),
    (
        "penalty.decided",
        {"decision": "Notice to improve"},
        "Penalty-notice consideration decided: Notice to improve",
    ),
    (
        "penalty.requested",
        {"school": "Hill School", "sessions": 12},
        "Hill School asked the council to consider a penalty notice (12 unauthorised sessions)",
    ),
    (
        "penalty.issued",
        {
            "number": 1,
            "parent": "Sam Parent",
            "issued_on": "1 March 2027",
            "amount": 80,
            "pay_by": "24 March 2027",
        },
        "Penalty notice 1 issued to Sam Parent on 1 March 2027: £80 by 24 March 2027",
    ),
    (
        "penalty.paid",
        {"amount": 80, "paid_on": "20 March 2027"},
        "Penalty notice payment of £80 on 20 March 2027",
    ),
    (
        "penalty.withdrawn",
        {"withdrawn_on": "2 April 2027", "reason": "Served on the wrong parent"},
        "Penalty notice withdrawn on 2 April 2027: Served on the wrong parent",
    ),
    (
        "support.action",
        {"school": "Moorside Academy", "action": "Family support worker to visit"},
        "Action agreed at the attendance support meeting with Moorside Academy: Family support worker to visit",
    ),
    (
        "penalty.prosecution",
        {"step": "Convicted", "on": "3 May 2027", "fine": " (fine £440)"},
        "Prosecution: Convicted on 3 May 2027 (fine £440)",
    ),
    # moves between councils (the transfers app)
    (
        "transfer.sent",
        {"council": "Leicester", "due": "16 November 2026"},
        "Moved to Leicester: transfer sent by Roll Call message; confirmation due by 16 November 2026",
    ),
    (
        "transfer.letter",
        {"council": "Rutland", "destination": "XXX/XXXX", "due": "16 November 2026"},
        "Moved to Rutland: transfer letter and lost-pupil CTF (destination XXX/XXXX) recorded as sent; "
        "confirmation due by 16 November 2026",
    ),
    (
        "transfer.not_delivered",
        {"council": "Leicester", "error": "Leicester's Roll Call could not be reached (URLError)"},
        "Transfer to Leicester not delivered yet: Leicester's Roll Call could not be reached (URLError)",
    ),
    (
        "transfer.acknowledged",
        {"council": "Leicester", "reference": "CME-000007", "officer": "Bea Officer"},
        "Leicester confirmed the child is known to it (its case CME-000007, accepted by Bea Officer)",
    ),
    (
        "transfer.escalated",
        {"council": "Leicester", "sent_on": "2 November 2026"},
        "Leicester has not confirmed the transfer sent on 2 November 2026: escalated",
    ),
    (
        "transfer.withdrawn",
        {"council": "Leicester", "reason": "Sent to the wrong council"},
        "Transfer to Leicester withdrawn: Sent to the wrong council",
    ),
    (
        "transfer.received",
        {"council": "Leicestershire", "reference": "CME-000003", "tasks": 2},
        "Transfer accepted from Leicestershire (its case CME-000003): 2 open tasks moved",
    ),
    # admissions
    (
        "admission.application",
        {"school": "Hill School", "rating": "High"},
        "In-year application recorded (first preference Hill School); risk High",
    ),
    (
        "admission.offer",
        {"school": "Hill School", "answer_due": "2026-11-30"},
        "Place offered at Hill School; school asked to confirm by 2026-11-30",
    ),
    (
        "admission.school_answered",
        {
            "school": "Hill School",
            "on_roll": True,
            "on_roll_from": "2026-11-18",
            "attended_from": "2026-11-19",
        },
        "Hill School confirmed on roll from 2026-11-18, attending from 2026-11-19",
    ),
    (
        "admission.school_answered",
        {"school": "Hill School", "on_roll": True, "on_roll_from": "2026-11-18"},
        "Hill School confirmed on roll from 2026-11-18",
    ),
    (
        "admission.school_answered",
        {"school": "Hill School", "on_roll": False, "reason": "Family moved away"},
        "Hill School said not on roll: Family moved away",
    ),
    (
        "admission.contact",
        {"party_label": "Parent or carer", "made_on": "2026-11-16", "intent_label": "Will take up the place"},
        "Contact with Parent or carer on 2026-11-16: Will take up the place",
    ),
    (
        "admission.reminded",
        {"school": "Hill School", "answer_due": "2026-11-30"},
        "Hill School reminded: no answer by 2026-11-30",
    ),
    (
        "admission.referred_cme",
        {"school": "Hill School", "reference": "CME-000043"},
        "Place at Hill School not taken up: referred to Inclusion as CME (CME-000043)",
    ),
    (
        "admission.deferred",
        {"school": "Hill School", "due_to_start": "2027-01-04"},
        "Deferred place at Hill School, due to start 2027-01-04",
    ),
    (
        "fair_access.referred",
        {"category_label": "Children in kinship care", "placement_due": "2026-12-14"},
        "Fair Access referral (Children in kinship care); place due by 2026-12-14",
    ),
    (
        "fair_access.allocated",
        {"school": "Hill School"},
        "Fair Access panel allocated a place at Hill School",
    ),
    ("fair_access.direction", {}, "Fair Access: direction requested"),
    ("fair_access.admitted", {"school": "Hill School"}, "Fair Access: admitted at Hill School"),
    # home education and the school attendance order route
    (
        "ehe.registered",
        {"source": "Parent's notification"},
        "Registered as home educated (Parent's notification)",
    ),
    (
        "ehe.source_joined",
        {"source": "Recorded by an officer"},
        "Home education confirmed again (Recorded by an officer)",
    ),
    ("ehe.consent", {"decision": "Consent given"}, "Council's consent to home education: Consent given"),
    (
        "ehe.contact",
        {"made_on": "2026-11-16", "method": "Phone call"},
        "Home-education contact on 2026-11-16 (Phone call)",
    ),
    (
        "ehe.evidence",
        {"received_on": "2026-11-16", "kind": "Samples of work"},
        "Evidence of home education received on 2026-11-16 (Samples of work)",
    ),
    ("ehe.education", {}, "Home education details updated"),
    (
        "ehe.judged",
        {"judgement": "Suitable", "next_review_on": "2027-11-16"},
        "Home education judged: Suitable; next review 2027-11-16",
    ),
    (
        "ehe.sao_notice",
        {"step": "Preliminary notice (s.437(1))", "served_on": "2026-11-16", "period_end": "2026-11-30"},
        "Preliminary notice (s.437(1)) served on 2026-11-16; period ends 2026-11-30",
    ),
    (
        "ehe.sao_prosecution",
        {"eso_considered": "Refused to engage"},
        "Referred for prosecution (s.443); education supervision order considered",
    ),
    (
        "ehe.arrangement",
        {"kind": "Part-time timetable", "school": "Hill School", "sessions": 4},
        "Educated elsewhere part of the time: Part-time timetable at Hill School, 4 sessions a week",
    ),
    ("ehe.arrangement_ended", {"ends_on": "2027-01-08"}, "Part-time arrangement ends on 2027-01-08"),
    (
        "ehe.request_sent",
        {"recipient": "A parent (s.436D)", "due_on": "2026-11-30"},
        "Register information asked of A parent (s.436D); due 2026-11-30",
    ),
    ("ehe.request_answered", {"answered_on": "2026-11-20"}, "Register information received on 2026-11-20"),
]


@pytest.mark.parametrize(
    ("verb", "payload", "words"), TIMELINE, ids=[f"{v}-{i}" for i, (v, _p, _w) in enumerate(TIMELINE)]
)
def test_every_verb_reads_the_same_words_on_the_timeline(
    verb: str, payload: dict[str, Any], words: str
) -> None:
    assert event_text(Event(verb=verb, payload=payload)) == words


def test_a_missing_fact_reads_as_a_question_mark_not_an_error() -> None:
    assert event_text(Event(verb="health.referred", payload={})) == "Referred to ?"
    assert event_text(Event(verb="case.moved", payload={})) == "Moved: ? → ?"


def test_an_unknown_verb_reads_as_itself() -> None:
    assert event_text(Event(verb="nothing.known", payload={"a": 1})) == "nothing.known"


def _verbs_recorded() -> dict[str, set[str]]:
    """Every verb the code records (or looks for): verb -> where, read from each module's source.

    Any call with a ``verb=`` argument counts (``event_record``, ``EventRecord``, ``Event``,
    ``Event.objects.filter``); the argument is evaluated in its module, so a constant imported
    from another app resolves to its value.
    """
    root = Path(rollcall.__file__).parent
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        calls = [
            (node, kw.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            for kw in node.keywords
            if kw.arg == "verb"
        ]
        if not calls:
            continue
        module = importlib.import_module(".".join(path.relative_to(root.parent).with_suffix("").parts))
        for node, value in calls:
            where = f"{path.relative_to(root.parent)}:{node.lineno}"
            try:
                verb = eval(compile(ast.Expression(value), where, "eval"), vars(module))  # noqa: S307
            except NameError:
                # Only the recording services pass on a verb they were given.
                assert path.relative_to(root) == Path("casework/events.py"), where
                continue
            assert isinstance(verb, str), f"{where}: the verb is not a string"
            found[verb].add(where)
    return found


def test_every_verb_any_service_records_has_words_on_the_timeline() -> None:
    recorded = _verbs_recorded()
    assert len(recorded) >= 30, sorted(recorded)  # the scan finds the verbs (36 when written)
    silent = {verb: sorted(where) for verb, where in recorded.items() if verb not in events_verbs()}
    assert not silent, f"verbs recorded with no words on the timeline: {silent}"
    for verb in recorded:
        assert event_text(Event(verb=verb, payload={})) != verb


def test_every_verb_pinned_above_is_one_the_code_records() -> None:
    assert {verb for verb, _payload, _words in TIMELINE} == set(_verbs_recorded())


def test_a_verb_cannot_be_given_other_words_by_a_second_app() -> None:
    with pytest.raises(ValueError, match=r"health\.reported"):
        events_words_register({"health.reported": "Reported ill"})
    assert event_text(Event(verb="health.reported", payload={"school": "Moorside", "days": 15})) == (
        "Reported absent through illness by Moorside (15 school days)"
    )
