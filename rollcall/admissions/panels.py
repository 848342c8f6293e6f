"""The admissions sections of the case page (settings.CASE_PANELS).

The words for admissions events on the timeline are in rollcall/casework/events.py."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from rollcall.admissions.models import Application, FairAccessReferral, PutOnRollRequest
from rollcall.casework.models import Case


def admission_panel(request: HttpRequest, case: Case) -> str:
    """The application, risk assessment and put-on-roll requests behind an admission case.

    Shows only admissions facts: a CME referral is shown by its reference, never its notes.
    """
    app = (
        Application.objects.filter(case=case)
        .select_related("preferred_school_1")
        .prefetch_related("answers")
        .first()
    )
    requests = list(
        PutOnRollRequest.objects.filter(case=case)
        .select_related("school", "offer")
        .prefetch_related("contacts")
    )
    return render_to_string(
        "admissions/panel_admission.html", {"app": app, "requests": requests, "case": case}, request=request
    )


def fair_access_panel(request: HttpRequest, case: Case) -> str:
    referral = FairAccessReferral.objects.filter(case=case).select_related("school_allocated").first()
    return render_to_string("admissions/panel_fair_access.html", {"referral": referral}, request=request)


def waiting_panel(request: HttpRequest, case: Case) -> str:
    applications = list(
        Application.objects.filter(child_id=case.child_id).select_related("preferred_school_1")[:5]
    )
    return render_to_string("admissions/panel_waiting.html", {"applications": applications}, request=request)
