"""The timeline verbs exclusions and attendance enforcement record, and their words.

Imported by ExclusionsConfig.ready, so the timeline reads these verbs wherever it is shown.
"""

from __future__ import annotations

from rollcall.casework.events import events_words_register

EXCLUSION_NOTIFIED = "exclusion.notified"
EXCLUSION_BOARD = "exclusion.board"  # timeline rows from before the route was recorded as steps
EXCLUSION_STEP = "exclusion.step"
EXCLUSION_PROVISION = "exclusion.provision"
EXCLUSION_BUDGET_ADJUSTMENT = "exclusion.budget_adjustment"
EXCLUSION_NO_PROVISION = "exclusion.no_provision"
PENALTY_THRESHOLD = "penalty.threshold"
PENALTY_DECIDED = "penalty.decided"
PENALTY_REQUESTED = "penalty.requested"
PENALTY_ISSUED = "penalty.issued"
PENALTY_PAID = "penalty.paid"
PENALTY_WITHDRAWN = "penalty.withdrawn"
PROSECUTION_STEP = "penalty.prosecution"
SUPPORT_ACTION = "support.action"

events_words_register(
    {
        EXCLUSION_NOTIFIED: "{kind} from {first_day} notified by {school} ({length})",
        EXCLUSION_BOARD: "Governing board met on {met_on}: {decision}",
        EXCLUSION_STEP: "{step} on {on}{outcome}",
        EXCLUSION_BUDGET_ADJUSTMENT: (
            "Budget adjustment of £{amount} for {school}: the review panel quashed the permanent "
            "exclusion and the board did not reinstate when it reconsidered on {on}"
        ),
        EXCLUSION_PROVISION: "Full-time education from {provision_from}: {provider}",
        EXCLUSION_NO_PROVISION: "No full-time education recorded by the sixth school day ({sixth_day}): escalated",
        PENALTY_THRESHOLD: (
            "{sessions} unauthorised sessions in the rolling window {window_start} to {reached_on}: "
            "a penalty notice to consider"
        ),
        PENALTY_DECIDED: "Penalty-notice consideration decided: {decision}",
        PENALTY_REQUESTED: "{school} asked the council to consider a penalty notice ({sessions} unauthorised sessions)",
        PENALTY_ISSUED: "Penalty notice {number} issued to {parent} on {issued_on}: £{amount} by {pay_by}",
        PENALTY_PAID: "Penalty notice payment of £{amount} on {paid_on}",
        PENALTY_WITHDRAWN: "Penalty notice withdrawn on {withdrawn_on}: {reason}",
        PROSECUTION_STEP: "Prosecution: {step} on {on}{fine}",
        SUPPORT_ACTION: "Action agreed at the attendance support meeting with {school}: {action}",
    }
)
