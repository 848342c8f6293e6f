"""The exclusion section of the case page (settings.CASE_PANELS["exclusion"])."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from rollcall.accounts.models import User
from rollcall.casework.models import Case
from rollcall.exclusions.access import can_record_provision
from rollcall.exclusions.models import Exclusion


def exclusion_panel(request: HttpRequest, case: Case) -> str:
    user = request.user
    exclusions = list(Exclusion.objects.filter(case=case).select_related("school"))
    context = {
        "case": case,
        "exclusions": exclusions,
        "can_record": isinstance(user, User) and can_record_provision(user) and case.is_open,
    }
    return render_to_string("exclusions/panel.html", context, request=request)
