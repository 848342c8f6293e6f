"""The timeline verbs home-education work records, and their words (one place for both).

Imported by HomeEducationConfig.ready, so the timeline reads these verbs wherever it is shown.
"""

from __future__ import annotations

from rollcall.casework.events import events_words_register

EHE_REGISTERED = "ehe.registered"
EHE_SOURCE_JOINED = "ehe.source_joined"
EHE_CONSENT = "ehe.consent"
EHE_CONTACT = "ehe.contact"
EHE_EVIDENCE = "ehe.evidence"
EHE_EDUCATION = "ehe.education"
EHE_JUDGED = "ehe.judged"
SAO_NOTICE = "ehe.sao_notice"
SAO_PROSECUTION = "ehe.sao_prosecution"
EHE_ARRANGEMENT = "ehe.arrangement"
EHE_ARRANGEMENT_ENDED = "ehe.arrangement_ended"
EHE_REQUEST_SENT = "ehe.request_sent"
EHE_REQUEST_ANSWERED = "ehe.request_answered"

events_words_register(
    {
        EHE_REGISTERED: "Registered as home educated ({source})",
        EHE_SOURCE_JOINED: "Home education confirmed again ({source})",
        EHE_CONSENT: "Council's consent to home education: {decision}",
        EHE_CONTACT: "Home-education contact on {made_on} ({method})",
        EHE_EVIDENCE: "Evidence of home education received on {received_on} ({kind})",
        EHE_EDUCATION: "Home education details updated",
        EHE_JUDGED: "Home education judged: {judgement}; next review {next_review_on}",
        SAO_NOTICE: "{step} served on {served_on}; period ends {period_end}",
        SAO_PROSECUTION: "Referred for prosecution (s.443); education supervision order considered",
        EHE_ARRANGEMENT: "Educated elsewhere part of the time: {kind} at {school}, {sessions} sessions a week",
        EHE_ARRANGEMENT_ENDED: "Part-time arrangement ends on {ends_on}",
        EHE_REQUEST_SENT: "Register information asked of {recipient}; due {due_on}",
        EHE_REQUEST_ANSWERED: "Register information received on {answered_on}",
    }
)
