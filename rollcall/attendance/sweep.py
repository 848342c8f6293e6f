"""The attendance step of the daily sweep (settings.SWEEP_STEPS): re-evaluate the current year.

Days passing do not change the facts by themselves: each school's window ends on its last marked
day (see evaluation.py), so "no marks for 10 school days" is found when the school's next marks
arrive, by the evaluation each import runs. The nightly run is there to catch up with what an
import's evaluation cannot see:

- an evaluation that failed after its import committed (the import keeps its marks; the next
  run makes the prompts it missed);
- changed term dates or closure days, and changed thresholds (the council's health and rule
  settings), which change every pupil's facts without any new marks;
- a school whose pupils were evaluated by nobody since a change of roll (a pupil who joined or
  left a roll, which decides "possibly left").

Idempotent like every evaluation: on unchanged marks it writes nothing and sends nothing. At
100,000 pupils it takes a few seconds (docs/attendance.md has the measured figures).
"""

from __future__ import annotations

import datetime as dt

from rollcall.attendance.evaluation import evaluate
from rollcall.casework.sweep import sweep_instant
from rollcall.rules.calendar import SchoolCalendar


def attendance_sweep(*, today: dt.date, calendar: SchoolCalendar) -> dict[str, int]:
    """Evaluate every pupil's marks of the current academic year as of ``today``.

    Stamped with the sweep's instant, not the wall clock: the cases, tasks, flags and messages it
    makes are dated from ``today`` (without it a run for another day counted their deadlines
    from the wall clock's date).
    """
    result = evaluate(as_of=today, at=sweep_instant(today))
    counts = result.triggers.values()
    return {
        "attendance_pupils": result.pupils,
        "attendance_facts_written": result.facts_written,
        "attendance_cases_opened": sum(c.cases_opened for c in counts),
        "attendance_cases_updated": sum(c.cases_updated for c in counts),
        "attendance_flags_raised": sum(c.flags_raised for c in counts),
        "attendance_flags_cleared": sum(c.flags_cleared for c in counts),
        "attendance_messages": sum(c.messages for c in counts),
        "attendance_problems": len(result.problems),
    }
