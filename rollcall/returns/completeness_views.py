"""Returns completeness pages: the council's counts by school, one school's pupils, and the school's
own list of returns it owes (issue 16).

The summary by school shows counts only. The one-school page and the school's own page name
pupils, so each child shown is logged (access log).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.audit.services import record_views
from rollcall.casework.calendar import council_calendar
from rollcall.people.models import Child
from rollcall.returns.access import can_see_own_returns_owed, can_see_returns_by_school
from rollcall.returns.completeness import KINDS, OwedReturn, counts_by_school, owed_returns
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.returns_due import ATTENDANCE_RETURN_SCHOOL_DAYS, ReturnStanding
from rollcall.schools.models import School

PERIODS = {
    "term": "This half-term",
    "year": "This academic year",
    "30": "The last 30 days",
}


def _period(key: str, calendar: SchoolCalendar, today: dt.date) -> tuple[dt.date, dt.date]:
    """The dates a period choice covers, ending today."""
    if key == "year":
        return dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1), today
    if key == "30":
        return today - dt.timedelta(days=30), today
    started = [term.start for term in calendar.terms if term.start <= today]
    return (max(started) if started else today - dt.timedelta(days=30)), today


def _filters(request: HttpRequest) -> tuple[str, str]:
    period = request.GET.get("period", "term")
    kind = request.GET.get("kind", "")
    return (period if period in PERIODS else "term"), (kind if kind in KINDS else "")


def _owed(request: HttpRequest, school_ids: list[int] | None) -> tuple[list[OwedReturn], dict[str, object]]:
    period, kind = _filters(request)
    calendar = council_calendar()
    today = clock.today()
    start, end = _period(period, calendar, today)
    owed = owed_returns(
        calendar=calendar,
        start=start,
        end=end,
        today=today,
        school_ids=school_ids,
        kinds=(kind,) if kind else tuple(KINDS),
    )
    context: dict[str, object] = {
        "period": period,
        "kind": kind,
        "periods": PERIODS,
        "kinds": KINDS,
        "start": start,
        "end": end,
        "today": today,
        "standings": list(ReturnStanding),
        "return_school_days": ATTENDANCE_RETURN_SCHOOL_DAYS,
    }
    return owed, context


def returns_by_school(request: HttpRequest) -> HttpResponse:
    """Counts of returns owed per school: on time, late, missing, not yet due. No child named."""
    user = signed_in_user(request)
    if not can_see_returns_by_school(user):
        raise PermissionDenied("Only the teams that check returns see returns by school.")
    owed, context = _owed(request, None)
    counts = counts_by_school(owed)
    schools = School.objects.filter(pk__in=list(counts)).order_by("name").values_list("pk", "name", "urn")
    rows = [
        {
            "name": name,
            "urn": urn,
            "cells": [counts[pk].count(standing) for standing in ReturnStanding],
        }
        for pk, name, urn in schools
    ]
    return render(
        request,
        "returns/returns_by_school.html",
        {**context, "page_title": "Returns by school", "rows": rows},
    )


def _pupil_rows(owed: list[OwedReturn]) -> list[dict[str, object]]:
    names = {
        pk: f"{forename} {surname}"
        for pk, forename, surname in Child.objects.filter(pk__in={row.child_id for row in owed}).values_list(
            "pk", "legal_forename", "legal_surname"
        )
    }
    return [{"owed": row, "name": names.get(row.child_id, "")} for row in owed]


def school_returns(request: HttpRequest, urn: str) -> HttpResponse:
    """One school's owed returns, pupil by pupil, for a council officer (each child shown is logged)."""
    user = signed_in_user(request)
    if not can_see_returns_by_school(user):
        raise PermissionDenied("Only the teams that check returns see a school's returns.")
    school = School.objects.filter(urn=urn).first()
    if school is None:
        raise Http404("No such school")
    owed, context = _owed(request, [school.pk])
    record_views(
        user=user,
        children=[row.child_id for row in owed],
        what="Returns owed by a school",
        path=request.get_full_path(),
    )
    return render(
        request,
        "returns/school_returns.html",
        {
            **context,
            "page_title": f"{school.name}: returns owed",
            "school": school,
            "rows": _pupil_rows(owed),
            "own": False,
        },
    )


def own_returns(request: HttpRequest) -> HttpResponse:
    """The returns the signed-in user's school owes, pupil by pupil (each child shown is logged)."""
    user = signed_in_user(request)
    school = user.school
    if not can_see_own_returns_owed(user) or school is None:
        raise PermissionDenied("Only a school's users see the returns it owes.")
    owed, context = _owed(request, [school.pk])
    record_views(
        user=user,
        children=[row.child_id for row in owed],
        what="Returns our school owes",
        path=request.get_full_path(),
    )
    return render(
        request,
        "returns/school_returns.html",
        {
            **context,
            "page_title": "Returns we owe the council",
            "school": school,
            "rows": _pupil_rows(owed),
            "own": True,
        },
    )
