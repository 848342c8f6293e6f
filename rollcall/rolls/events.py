"""The timeline words of the verbs the rolls app records."""

from __future__ import annotations

from rollcall.casework.events import events_words_register

ROLL_LEFT_WITHOUT_NOTICE = "roll.left_without_notice"

events_words_register(
    {
        ROLL_LEFT_WITHOUT_NOTICE: "Left the roll of {school} on {left_on} with no deletion return; "
        "the school was asked for it by {due}",
    }
)
