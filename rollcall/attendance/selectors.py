"""Reading attendance for the lists: persistent and severe absence, schools' rates, possibly left.

Who sees what (docs/access.md): a school user sees their own school's pupils only; council staff
in the Inclusion, Access to Education and Admissions teams, heads of service and administrators
see every school. Nobody else (the SEN team, report readers) sees these lists: they name children.
Every list reads the facts the last evaluation wrote on the attendance records (no marks string
is read to draw a page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast

from rollcall.accounts.models import User
from rollcall.attendance.access import marks_visible_to
from rollcall.attendance.models import PupilMarks
from rollcall.schools.models import RollEntry, School

Level = Literal["persistent", "severe"]
LEVELS: dict[str, str] = {"persistent": "Persistent absence", "severe": "Severe absence"}


def absence_records(
    user: User, *, year: int, level: Level = "persistent", school: School | None = None
) -> QuerySet[PupilMarks]:
    """The pupils persistently (or severely) absent this year, highest rate first."""
    records = marks_visible_to(user, year)
    records = records.filter(severe=True) if level == "severe" else records.filter(persistent=True)
    if school is not None:
        records = records.filter(school=school)
    return (
        records.select_related("child", "school")
        .annotate(
            rate_percent=Cast("absent_sessions", FloatField())
            * 100.0
            / Cast("possible_sessions", FloatField())
        )
        .order_by("-rate_percent", "child__legal_surname", "child__legal_forename", "pk")
    )


@dataclass(frozen=True)
class SchoolRates:
    """One school's absence this year: pupils with possible sessions, and how many are absent."""

    school_id: int
    name: str
    urn: str
    pupils: int
    persistent: int
    severe: int
    possible_sessions: int
    absent_sessions: int

    @property
    def persistent_percent(self) -> float:
        return 100.0 * self.persistent / self.pupils if self.pupils else 0.0

    @property
    def severe_percent(self) -> float:
        return 100.0 * self.severe / self.pupils if self.pupils else 0.0

    @property
    def absence_percent(self) -> float:
        return 100.0 * self.absent_sessions / self.possible_sessions if self.possible_sessions else 0.0


def school_rates(user: User, *, year: int, school: School | None = None) -> list[SchoolRates]:
    """Every visible school's rates in one aggregate query, by school name.

    A pupil counts at a school when they have at least one possible session there (as the DfE's
    persistent absence measure counts enrolments); the absence rate is all absent sessions over
    all possible sessions.
    """
    records = marks_visible_to(user, year)
    if school is not None:
        records = records.filter(school=school)
    rows = (
        records.values("school_id")
        .annotate(
            name=F("school__name"),
            urn=F("school__urn"),
            pupils=Count("pk", filter=Q(possible_sessions__gt=0)),
            n_persistent=Count("pk", filter=Q(persistent=True)),
            n_severe=Count("pk", filter=Q(severe=True)),
            possible=Sum("possible_sessions"),
            absent=Sum("absent_sessions"),
        )
        .order_by("name", "school_id")
    )
    return [
        SchoolRates(
            school_id=row["school_id"],
            name=row["name"],
            urn=row["urn"],
            pupils=row["pupils"],
            persistent=row["n_persistent"],
            severe=row["n_severe"],
            possible_sessions=row["possible"] or 0,
            absent_sessions=row["absent"] or 0,
        )
        for row in rows
    ]


def council_totals(rates: list[SchoolRates]) -> SchoolRates:
    """The council's figures, summed from the schools' (no further query)."""
    return SchoolRates(
        school_id=0,
        name="All schools",
        urn="",
        pupils=sum(r.pupils for r in rates),
        persistent=sum(r.persistent for r in rates),
        severe=sum(r.severe for r in rates),
        possible_sessions=sum(r.possible_sessions for r in rates),
        absent_sessions=sum(r.absent_sessions for r in rates),
    )


def possibly_left_records(
    user: User, *, year: int, unmarked_days: int, school: School | None = None
) -> QuerySet[PupilMarks]:
    """Pupils on a school's roll now with no marks there for ``unmarked_days`` school days or more.

    ``unmarked_days`` on the record counts only school days since the pupil joined that roll
    (see evaluation.py), so a pupil who joined last week is not listed.
    """
    current = RollEntry.objects.filter(
        child_id=OuterRef("child_id"), school_id=OuterRef("school_id"), on_roll_to__isnull=True
    )
    records = marks_visible_to(user, year).filter(unmarked_days__gte=unmarked_days).filter(Exists(current))
    if school is not None:
        records = records.filter(school=school)
    return (
        records.select_related("child", "school")
        .annotate(on_roll_since=Subquery(current.order_by("-on_roll_from").values("on_roll_from")[:1]))
        .order_by("-unmarked_days", "child__legal_surname", "child__legal_forename", "pk")
    )
