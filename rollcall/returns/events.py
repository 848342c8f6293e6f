"""The timeline verbs the returns a school sends record, and their words (one place for both).

Imported by ReturnsConfig.ready, so the timeline reads these verbs wherever it is shown. The words
name the school and the return's reference, never what the school wrote about the child: the
return itself is on the claim page for those who may see it.
"""

from __future__ import annotations

from rollcall.casework.events import events_words_register

RETURN_HELD = "return.held"
RETURN_CONFIRMED = "return.confirmed"
RETURN_REFUSED = "return.refused"

events_words_register(
    {
        RETURN_HELD: "{kind_label} return {reference} from {school} held for the council to check the details",
        RETURN_CONFIRMED: "Return {reference} checked and applied",
        RETURN_REFUSED: "Return {reference} refused: the details did not belong to this child",
    }
)
