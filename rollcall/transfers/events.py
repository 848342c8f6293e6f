"""The timeline verbs moves between councils record, and their words.

Imported by TransfersConfig.ready, so the timeline reads these verbs wherever it is shown.
"""

from __future__ import annotations

from rollcall.casework.events import events_words_register

TRANSFER_SENT = "transfer.sent"
TRANSFER_LETTER = "transfer.letter"
TRANSFER_NOT_DELIVERED = "transfer.not_delivered"
TRANSFER_ACKNOWLEDGED = "transfer.acknowledged"
TRANSFER_ESCALATED = "transfer.escalated"
TRANSFER_WITHDRAWN = "transfer.withdrawn"
TRANSFER_RECEIVED = "transfer.received"

events_words_register(
    {
        TRANSFER_SENT: "Moved to {council}: transfer sent by Roll Call message; confirmation due by {due}",
        TRANSFER_LETTER: (
            "Moved to {council}: transfer letter and lost-pupil CTF (destination {destination}) recorded "
            "as sent; confirmation due by {due}"
        ),
        TRANSFER_NOT_DELIVERED: "Transfer to {council} not delivered yet: {error}",
        TRANSFER_ACKNOWLEDGED: "{council} confirmed the child is known to it (its case {reference}, accepted by {officer})",
        TRANSFER_ESCALATED: "{council} has not confirmed the transfer sent on {sent_on}: escalated",
        TRANSFER_WITHDRAWN: "Transfer to {council} withdrawn: {reason}",
        TRANSFER_RECEIVED: "Transfer accepted from {council} (its case {reference}): {tasks} open tasks moved",
    }
)
