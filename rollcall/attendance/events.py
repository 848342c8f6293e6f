"""The timeline verbs the attendance rules record, and their words (one place for both).

Imported by AttendanceConfig.ready, so the timeline reads these verbs wherever it is shown.
"""

from __future__ import annotations

from rollcall.casework.events import events_words_register

POSSIBLY_LEFT_ASKED = "attendance.possibly_left"

events_words_register(
    {
        POSSIBLY_LEFT_ASKED: (
            "{school} asked whether the pupil has left: no marks since {since} ({days} school days)"
        ),
    }
)
