"""The attendance lists: persistent and severe absence, schools' rates, and pupils possibly left.

Who may open them is decided in selectors.py (a school its own pupils; the Inclusion, Access to
Education and Admissions teams, heads of service and administrators every school). The lists
name pupils but show no record: each name links to the child's page, which checks the person may
see the child and logs the view. Every list is paginated and draws in a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.attendance import access, selectors
from rollcall.audit.services import log_shown
from rollcall.casework.access import children_visible_to
from rollcall.casework.calendar import council_calendar
from rollcall.casework.school_view import children_as_school_sees
from rollcall.rules.attendance import Thresholds
from rollcall.rules.calendar import academic_year_of
from rollcall.schools.models import School

PER_PAGE = 50


def _list_reader(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not access.can_see_attendance_lists(user):
        raise PermissionDenied(
            "Only schools and the Inclusion, Access to Education and Admissions teams can see attendance lists."
        )
    return user


def _year(request: HttpRequest) -> int:
    """The academic year asked for (``?year=2026`` is 2026/27), this one by default."""
    this_year = academic_year_of(clock.today())
    asked = request.GET.get("year", "")
    if asked.isdigit() and this_year - 10 <= int(asked) <= this_year:
        return int(asked)
    return this_year


def _year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _level(request: HttpRequest) -> selectors.Level:
    return "severe" if request.GET.get("level") == "severe" else "persistent"


def absence_overview(request: HttpRequest) -> HttpResponse:
    """Council staff: every school's share of pupils persistently and severely absent.

    A school user goes straight to their own school's list.
    """
    user = _list_reader(request)
    school = user.school
    if school is not None:
        return redirect("attendance:absence-school", school_pk=school.pk)
    year = _year(request)
    rates = selectors.school_rates(user, year=year)
    return render(
        request,
        "attendance/absence_schools.html",
        {
            "page_title": f"Absence by school, {_year_label(year)}",
            "year": year,
            "year_label": _year_label(year),
            "totals": selectors.council_totals(rates),
            "page_obj": Paginator(rates, PER_PAGE).get_page(request.GET.get("page")),
        },
    )


def absence_pupils(request: HttpRequest, school_pk: int | None = None) -> HttpResponse:
    """Pupils persistently (``?level=persistent``) or severely absent: one school's, or every school's."""
    user = _list_reader(request)
    year = _year(request)
    level = _level(request)
    school: School | None = None
    if school_pk is not None:
        school = get_object_or_404(access.schools_visible_to(user), pk=school_pk)
    elif not access.sees_every_school(user):
        if user.school is None:
            raise Http404("No such list")
        return redirect("attendance:absence-school", school_pk=user.school.pk)
    records = selectors.absence_records(user, year=year, level=level, school=school)
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    _as_school_sees(user, list(page))
    log_shown(request, [record.child_id for record in page], "absence list")
    rates = selectors.school_rates(user, year=year, school=school) if school is not None else []
    where = school.name if school is not None else "all schools"
    return render(
        request,
        "attendance/absence_pupils.html",
        {
            "page_title": f"{selectors.LEVELS[level]}, {where}, {_year_label(year)}",
            "heading": selectors.LEVELS[level],
            "school": school,
            "rates": rates[0] if rates else None,
            "level": level,
            "levels": selectors.LEVELS,
            "year": year,
            "year_label": _year_label(year),
            "sees_every_school": access.sees_every_school(user),
            "page_obj": page,
            "linkable": _linkable(user, [r.child_id for r in page]),
        },
    )


def _as_school_sees(user: User, records: list[Any]) -> None:
    """A school's list names its pupils as the school sees them: a pupil who has left its roll as
    they were when they left (casework/school_view.py), nothing the council recorded since."""
    if user.school is None:
        return
    shown = children_as_school_sees(user.school, [record.child for record in records])
    for record, child in zip(records, shown, strict=True):
        record.child = child


def _linkable(user: User, child_ids: list[int]) -> set[int]:
    """The children on this page whose record the user may open (one query).

    Attendance lists show council teams every school's pupils, as the attendance duties need;
    a child's record stays for those whose team has a case about them (people.policies).
    """
    return set(children_visible_to(user).filter(pk__in=child_ids).values_list("pk", flat=True))


def possibly_left(request: HttpRequest) -> HttpResponse:
    """Pupils on a roll with no marks for 10 school days: a school's own, or (council) every school's."""
    user = _list_reader(request)
    year = _year(request)
    school: School | None = user.school
    asked = request.GET.get("school", "")
    if school is None and asked.isdigit():
        school = get_object_or_404(access.schools_visible_to(user), pk=int(asked))
    days = Thresholds().unmarked_days
    records = selectors.possibly_left_records(user, year=year, unmarked_days=days, school=school)
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    _as_school_sees(user, list(page))
    log_shown(request, [record.child_id for record in page], "pupils possibly left")
    calendar = council_calendar()
    rows: list[dict[str, Any]] = [
        {
            "record": record,
            # The first school day without marks: the evaluation counted back from its as-of day.
            "since": calendar.add_school_days(record.evaluated_as_of, -(record.unmarked_days - 1))
            if record.evaluated_as_of is not None
            else None,
        }
        for record in page
    ]
    return render(
        request,
        "attendance/possibly_left.html",
        {
            "page_title": f"Pupils with no marks for {days} school days",
            "days": days,
            "school": school,
            "is_school_user": user.is_school_user,
            "year": year,
            "year_label": _year_label(year),
            "rows": rows,
            "page_obj": page,
            "linkable": _linkable(user, [row["record"].child_id for row in rows]),
        },
    )
