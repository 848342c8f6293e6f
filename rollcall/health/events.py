"""The timeline verbs health-needs casework records, and their words (one place for both).

Imported by HealthConfig.ready, so the timeline reads these verbs wherever it is shown.
"""

from __future__ import annotations

from rollcall.casework.events import events_words_register

HEALTH_REPORTED = "health.reported"
HEALTH_REFERRED = "health.referred"
HEALTH_CONTACT = "health.contact"
HEALTH_CHECKIN = "health.checkin"
HEALTH_REINTEGRATION = "health.reintegration"
HEALTH_SEN_PANEL = "health.sen_panel"

events_words_register(
    {
        HEALTH_REPORTED: "Reported absent through illness by {school} ({days} school days)",
        HEALTH_REFERRED: "Referred to {provision}",
        HEALTH_CONTACT: "Named contact: {officer}",
        HEALTH_CHECKIN: "Check-in on {done_on} ({method})",
        HEALTH_REINTEGRATION: "Reintegration planned with {school}, return by {target}",
        HEALTH_SEN_PANEL: "SEN panel request on {panel_date}: not attending school",
    }
)
