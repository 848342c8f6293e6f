"""Demo attendance: this term's marks for every demo pupil, imported the way a council would.

The marks are written as the council-wide CSV (``upn,school,date,session,code``) and go through
the real import and evaluation, so the demo shows an import with its summary, the absence lists,
the flags, and the cases the marks open. Most pupils are present almost every session; a few are
planted so every rule fires: long illness, ten and twenty school days unexplained, pupils
without marks for the last fortnight, and persistent and severe absence.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from rollcall.attendance.models import AttendanceImport
from rollcall.attendance.services import import_create, import_run
from rollcall.casework.calendar import council_calendar
from rollcall.rules.calendar import academic_year_of
from rollcall.schools.models import RollEntry

# How many pupils of each planted pattern (the rest are ordinary attenders).
_PLANTED = {"illness": 6, "missing": 5, "ground_i": 3, "unmarked": 4, "severe": 4, "persistent": 30}
_ORDINARY_ABSENCE = ["I", "I", "I", "M", "C", "O", "G", "N", "R", "E", "U", "B", "V"]


def _day_codes(pattern: str, day_number: int, days: int, rng: random.Random) -> tuple[str, str] | None:
    """The AM and PM codes for one pupil on one school day (day_number counts up to ``days``)."""
    from_end = days - day_number  # 1 on the last day
    if pattern == "illness" and day_number % 3 == 0:
        return "I", "I"
    if pattern == "missing" and from_end <= 12:
        return rng.choice("ONG"), "O"
    if pattern == "ground_i" and from_end <= 22:
        return "O", "N"
    if pattern == "unmarked" and from_end <= 12:
        return None
    if pattern == "severe" and rng.random() < 0.6:
        return rng.choice("OGIC"), rng.choice("OGI")
    if pattern == "persistent" and rng.random() < 0.15:
        code = rng.choice(_ORDINARY_ABSENCE)
        return code, code
    if rng.random() < 0.02:
        code = rng.choice(_ORDINARY_ABSENCE)
        return code, ("\\" if rng.random() < 0.3 else code)
    return ("L" if rng.random() < 0.02 else "/"), "\\"


def demo_attendance(*, rng: random.Random, today: dt.date) -> str:
    """Import this academic year's marks, up to the last school day before ``today``."""
    calendar = council_calendar()
    year = academic_year_of(today)
    school_days = calendar.school_days_in(dt.date(year, 9, 1), calendar.previous_school_day(today))
    if not school_days:
        return "Attendance: no school days yet this year, so no marks."
    pupils = list(
        RollEntry.objects.filter(
            on_roll_to__isnull=True, child__upn__isnull=False, on_roll_from__lte=school_days[0]
        )
        .order_by("pk")
        .values_list("child__upn", "school__urn")
    )
    patterns = [p for p, n in _PLANTED.items() for _ in range(n)]
    chosen = rng.sample(range(len(pupils)), k=min(len(patterns), len(pupils)))
    pattern_of = dict(zip(chosen, patterns, strict=False))

    out = io.StringIO()
    out.write("upn,school,date,session,code\n")
    rows = 0
    for index, (upn, urn) in enumerate(pupils):
        pattern = pattern_of.get(index, "")
        for number, day in enumerate(school_days, start=1):
            codes = _day_codes(pattern, number, len(school_days), rng)
            if codes is None:
                continue
            out.write(
                f"{upn},{urn},{day.isoformat()},AM,{codes[0]}\n{upn},{urn},{day.isoformat()},PM,{codes[1]}\n"
            )
            rows += 2
    name = f"northmoor-attendance-{school_days[-1].isoformat()}.csv"
    imp = import_create(
        content=io.BytesIO(out.getvalue().encode()),
        original_name=name,
        file_format=AttendanceImport.Format.CSV,
        uploaded_by=None,
        enqueue=False,
    )
    imp = import_run(imp)
    if imp.status != AttendanceImport.Status.IMPORTED:
        raise RuntimeError(f"The demo attendance file did not import: {imp.errors[:5]}")
    prompts = imp.summary["evaluation"]["prompts"]
    return (
        f"Attendance: {rows:,} session marks for {len(pupils):,} pupils imported from {name}; "
        f"{prompts['illness']['cases_opened']} health-needs and {prompts['missing']['cases_opened']} CME cases "
        f"opened, {prompts['ground_i']['tasks_added']} ground (i) questions, "
        f"{prompts['possibly_left']['found']} pupils possibly left, "
        f"{prompts['persistent']['flags_raised']} persistent and {prompts['severe']['flags_raised']} severe absence flags."
    )
