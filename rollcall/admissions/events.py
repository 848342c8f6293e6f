"""The timeline verbs admissions and Fair Access record, and their words (one place for both).

Imported by AdmissionsConfig.ready, so the timeline reads these verbs wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rollcall.casework.events import events_words_register

APPLICATION_RECORDED = "admission.application"
OFFER_RECORDED = "admission.offer"
SCHOOL_ANSWERED = "admission.school_answered"
CONTACT_RECORDED = "admission.contact"
SCHOOL_REMINDED = "admission.reminded"
REFERRED_CME = "admission.referred_cme"
DEFERRED_RECORDED = "admission.deferred"
FAIR_ACCESS_REFERRED = "fair_access.referred"
FAIR_ACCESS_ALLOCATED = "fair_access.allocated"
FAIR_ACCESS_DIRECTION = "fair_access.direction"
FAIR_ACCESS_ADMITTED = "fair_access.admitted"


def _school_answered(p: Mapping[str, Any]) -> str:
    if not p.get("on_roll"):
        return f"{p.get('school', '?')} said not on roll: {p.get('reason', '')}"
    return f"{p.get('school', '?')} confirmed on roll from {p.get('on_roll_from', '?')}" + (
        f", attending from {p['attended_from']}" if p.get("attended_from") else ""
    )


events_words_register(
    {
        APPLICATION_RECORDED: "In-year application recorded (first preference {school}); risk {rating}",
        OFFER_RECORDED: "Place offered at {school}; school asked to confirm by {answer_due}",
        SCHOOL_ANSWERED: _school_answered,
        CONTACT_RECORDED: "Contact with {party_label} on {made_on}: {intent_label}",
        SCHOOL_REMINDED: "{school} reminded: no answer by {answer_due}",
        REFERRED_CME: "Place at {school} not taken up: referred to Inclusion as CME ({reference})",
        DEFERRED_RECORDED: "Deferred place at {school}, due to start {due_to_start}",
        FAIR_ACCESS_REFERRED: "Fair Access referral ({category_label}); place due by {placement_due}",
        FAIR_ACCESS_ALLOCATED: "Fair Access panel allocated a place at {school}",
        FAIR_ACCESS_DIRECTION: "Fair Access: direction requested",
        FAIR_ACCESS_ADMITTED: "Fair Access: admitted at {school}",
    }
)
