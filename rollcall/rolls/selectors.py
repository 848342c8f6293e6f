"""What the rolls pages and the sweep read: new pupil returns that never came.

A school must tell the council of a new pupil within five school days (reg. 13(3)). When a school's
deletion return names the school a pupil went to, the council expects that school to report them:
a new pupil return, or the pupil on its roll. Once five school days have passed since the pupil
left with neither, the return is counted as never received.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from rollcall.casework.calendar import council_calendar
from rollcall.returns.models import SchoolReturn
from rollcall.schools.models import RemovalNotice, RollEntry, School

NEW_PUPIL_RETURN_SCHOOL_DAYS = 5
LOOK_BACK_DAYS = 366  # a named destination older than a year is for the lost-between-rolls check


@dataclass(frozen=True)
class NewPupilReturnMissing:
    child_id: int
    forename: str
    surname: str
    school_id: int
    school_name: str
    school_urn: str
    left: str  # the school the pupil left
    left_on: dt.date
    due: dt.date


def new_pupil_returns_missing(*, today: dt.date, school: School | None = None) -> list[NewPupilReturnMissing]:
    """Pupils a deletion return said went to a school that has, five school days on, neither sent a
    new pupil return for them nor shown them on its roll (one query, then the calendar)."""
    reported = SchoolReturn.objects.filter(
        school=OuterRef("destination_school"),
        child=OuterRef("child"),
        kind=SchoolReturn.Kind.NEW_PUPIL,
        received_at__date__gte=OuterRef("removal_date"),
    )
    on_roll = RollEntry.objects.filter(
        school=OuterRef("destination_school"),
        child=OuterRef("child"),
        on_roll_from__gte=OuterRef("removal_date"),
    )
    notices = RemovalNotice.objects.filter(
        destination_school__isnull=False,
        removal_date__lt=today - dt.timedelta(days=NEW_PUPIL_RETURN_SCHOOL_DAYS),
        removal_date__gte=today - dt.timedelta(days=LOOK_BACK_DAYS),
    )
    if school is not None:
        notices = notices.filter(destination_school=school)
    rows = (
        notices.exclude(Exists(reported))
        .exclude(Exists(on_roll))
        .order_by("removal_date", "pk")
        .values_list(
            "child_id",
            "child__legal_forename",
            "child__legal_surname",
            "destination_school_id",
            "destination_school__name",
            "destination_school__urn",
            "school__name",
            "removal_date",
        )
    )
    calendar = council_calendar()
    found = []
    for child_id, forename, surname, school_id, name, urn, left, left_on in rows:
        due = calendar.add_school_days(left_on, NEW_PUPIL_RETURN_SCHOOL_DAYS)
        if due < today:
            found.append(
                NewPupilReturnMissing(child_id, forename, surname, school_id, name, urn, left, left_on, due)
            )
    return found
