"""The health-needs section of the case page (settings.CASE_PANELS["health"])."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.casework.models import Case
from rollcall.health.access import can_see_health_details
from rollcall.health.models import HealthReport, HealthSettings, NamedContact, ProvisionReferral


def case_panel(request: HttpRequest, case: Case) -> str:
    user = request.user
    details = isinstance(user, User) and can_see_health_details(user, case)
    contact = NamedContact.objects.select_related("officer").filter(case=case, until__isnull=True).first()
    context = {
        "case": case,
        "details": details,
        "can_edit": details and case.is_open,
        "contact": contact,
        "provision": HealthSettings.current().provision_name,
        "today": clock.today(),
    }
    if details:
        context.update(
            referrals=list(ProvisionReferral.objects.filter(case=case)),
            reports=list(HealthReport.objects.filter(case=case).select_related("school", "reported_by")),
            checkins=list(case.checkins.all()),
            plans=list(case.reintegration_plans.select_related("school")),
        )
    return render_to_string("health/panel.html", context, request=request)
