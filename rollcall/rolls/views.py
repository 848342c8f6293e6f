"""A school's roll over time: each snapshot's counts and the deletion returns still missing."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.audit.services import record_views
from rollcall.rolls.access import can_see_roll_history
from rollcall.rolls.models import DeletionReturnMissing, RollSnapshot
from rollcall.schools.models import School

SNAPSHOTS_SHOWN = 60


def school_rolls(request: HttpRequest, urn: str) -> HttpResponse:
    user = signed_in_user(request)
    school = School.objects.filter(urn=urn).first()
    if school is None or not can_see_roll_history(user, school):
        raise Http404("No such school")
    snapshots = list(
        RollSnapshot.objects.filter(school=school).order_by("-as_of", "-loaded_at")[:SNAPSHOTS_SHOWN]
    )
    missing = list(
        DeletionReturnMissing.objects.filter(school=school, status=DeletionReturnMissing.Status.OPEN)
        .select_related("child")
        .order_by("due", "pk")
    )
    record_views(
        user=user,
        children=[row.child_id for row in missing],
        what="Deletion returns missing",
        path=request.path,
    )
    return render(
        request,
        "rolls/school_rolls.html",
        {
            "page_title": f"{school.name}: roll over time",
            "school": school,
            "snapshots": snapshots,
            "missing": missing,
            "today": clock.today(),
        },
    )
