"""The only place Roll Call asks the time.

Deadlines are computed from "today" in Europe/London; timestamps are stored in UTC. Every other
module asks here, so tests can move the clock with time-machine and the sweep can be run "as of"
any day.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC)."""
    return timezone.now()


def today() -> dt.date:
    """Today's date in England: the date every school-day deadline is counted from."""
    return timezone.now().astimezone(LONDON).date()


def local_date(instant: dt.datetime) -> dt.date:
    """The date in England of a stored UTC instant."""
    return instant.astimezone(LONDON).date()


def start_of_day(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in England (midnight is never skipped or repeated in London:
    the clocks change at 01:00 and 02:00)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)
