"""What every page needs: the council's name and the navigation for this person."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from rollcall.actionplans.access import can_read as can_read_action_plans
from rollcall.actionplans.access import can_read_scrutiny
from rollcall.admissions.access import can_view_admissions
from rollcall.attendance.access import can_import, can_see_attendance_lists
from rollcall.health.access import can_report, can_use_sen_panel
from rollcall.reports.access import reports_visible_to


def navigation(request: HttpRequest) -> dict[str, Any]:
    items: list[tuple[str, str]] = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if user.is_school_user:
            items = [
                ("Your school", reverse("schools:portal")),
                ("Tell us a pupil left", reverse("returns:removal-new")),
                ("Report absence through illness", reverse("health:report-new")),
                ("Send attendance marks", reverse("attendance:imports")),
                ("Absence", reverse("attendance:absence")),
                ("Pupils without marks", reverse("attendance:possibly-left")),
            ]
        elif user.is_report_reader and not user.team_ids:
            # Directors, the management team and committee members: figures, never a child.
            items = [("Reports", reverse("reports:index"))]
            if can_read_scrutiny(user):
                items.append(("Action plans", reverse("actionplans:scrutiny")))
        else:
            items = [
                ("Caseload", reverse("casework:caseload")),
                ("Children", reverse("children:search")),
                ("Messages", reverse("notify:inbox")),
                ("Policies", reverse("policies:list")),
                ("Policies to acknowledge", reverse("policies:acknowledge-list")),
            ]
            if can_view_admissions(user):
                items += [
                    ("Admissions", reverse("admissions:checkoff")),
                    ("Fair Access", reverse("admissions:fair_access")),
                ]
            if can_import(user):
                items.append(("Attendance imports", reverse("attendance:imports")))
            if can_see_attendance_lists(user):
                items.append(("Absence", reverse("attendance:absence")))
            if can_report(user):
                items.append(("Report absence through illness", reverse("health:report-new")))
            if can_use_sen_panel(user):
                items.append(("SEN panel", reverse("health:sen-panel")))
            if can_read_action_plans(user):
                items.append(("Action plans", reverse("actionplans:list")))
            elif can_read_scrutiny(user):
                items.append(("Action plans", reverse("actionplans:scrutiny")))
            if reports_visible_to(user):
                items.append(("Reports", reverse("reports:index")))
            if user.is_administrator:
                items.append(("Audit", reverse("audit:log")))
    # The item whose address is the longest prefix of this page is the current one.
    path = request.path
    matches = [url for _label, url in items if path.startswith(url)]
    current = max(matches, key=len) if matches else None
    nav = [{"label": label, "url": url, "active": url == current} for label, url in items]
    return {"council_name": settings.COUNCIL_NAME, "navigation": nav}
