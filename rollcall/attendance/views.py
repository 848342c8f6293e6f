"""Attendance import pages: send a file, watch it import, read what happened (docs/attendance.md).

Who: school users send their own school's marks; the council's Inclusion, Access to Education and
Admissions teams (any role) and administrators send council-wide files (``access.can_import``).
Everyone else gets 403. A school sees only its own imports.

The import page works without JavaScript (a "Refresh" link); with it, a small script polls the
API's JSON for the import and updates the figures, announcing progress in an aria-live region,
and reloads the page when the import has finished.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rollcall.accounts.models import User
from rollcall.attendance import access, services
from rollcall.attendance.forms import ImportForm
from rollcall.attendance.models import AttendanceImport
from rollcall.rules.attendance import Trigger

PER_PAGE = 50
ERRORS_PER_PAGE = 50

TRIGGER_LABELS = {
    Trigger.ILLNESS.value: "Illness on 15 or more school days (health needs)",
    Trigger.MISSING.value: "10 school days in a row without a reason (child missing education)",
    Trigger.GROUND_I.value: "20 school days in a row all G, N or O (removal ground (i))",
    Trigger.POSSIBLY_LEFT.value: "No marks for 10 school days (possibly left)",
    Trigger.PERSISTENT.value: "Persistent absence (10% or more)",
    Trigger.SEVERE.value: "Severe absence (50% or more)",
}


def _importer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not access.can_import(user):
        raise PermissionDenied(
            "Only schools and the Inclusion, Access to Education and Admissions teams can import attendance."
        )
    return user


def duration(seconds: float | None) -> str:
    """A time left as people say it: "about 40 seconds", "about 3 minutes"."""
    if seconds is None:
        return "not known yet"
    if seconds < 1:
        return "less than a second"
    if seconds < 90:
        whole = max(round(seconds), 1)
        return f"about {whole} second{'s' if whole != 1 else ''}"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} minutes"
    return f"about {round(seconds / 3600, 1):g} hours"


@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    """The imports this person may see, newest first."""
    user = _importer(request)
    imports = access.imports_visible_to(user).select_related("school", "uploaded_by")
    page = Paginator(imports, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/import_list.html",
        {"page_title": "Attendance imports", "page_obj": page, "school": user.school},
    )


@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    """The upload form: store the file, queue its import, and go to its page (PRG)."""
    user = _importer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imp = services.import_create(
                content=upload,
                original_name=upload.name or "marks",
                file_format=form.cleaned_data["file_format"],
                uploaded_by=user,
                school=user.school,
            )
        except (services.FileNotStored, services.UploadRefused) as failed:
            form.add_error("file", str(failed))
        else:
            return redirect("attendance:import", pk=imp.pk)
    return render(
        request,
        "attendance/import_new.html",
        {"page_title": "Send attendance marks", "form": form, "school": user.school},
    )


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while it runs, then what it stored or why it stored nothing."""
    user = _importer(request)
    try:
        imp = access.get_import_for_user(user, pk)
    except access.ImportRefused:
        raise PermissionDenied from None
    progress = services.import_progress(imp)
    errors = Paginator(imp.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    visible = set(
        access.imports_visible_to(user)
        .filter(pk__in=[r.get("id") for r in imp.summary.get("replaced_imports", []) if r.get("id")])
        .values_list("pk", flat=True)
    )
    same_as = imp.summary.get("same_as")
    return render(
        request,
        "attendance/import_detail.html",
        {
            "page_title": _title(imp),
            "imp": imp,
            "Status": AttendanceImport.Status,
            "in_progress": imp.status in {AttendanceImport.Status.QUEUED, AttendanceImport.Status.RUNNING},
            "progress": progress,
            "time_left": duration(progress.seconds_left),
            "unit": "pupils" if imp.format == AttendanceImport.Format.CTF else "rows",
            "errors_page": errors,
            "errors_capped": imp.error_count > len(imp.errors),
            "replaced": [
                {**r, "visible": r.get("id") in visible} for r in imp.summary.get("replaced_imports", [])
            ],
            "same_as": same_as,
            "same_as_visible": bool(same_as)
            and access.imports_visible_to(user).filter(pk=same_as.get("id")).exists(),
            "prompts": _prompts(imp),
        },
    )


def _title(imp: AttendanceImport) -> str:
    return {
        AttendanceImport.Status.QUEUED: "Waiting to import your file",
        AttendanceImport.Status.RUNNING: "Importing your file",
        AttendanceImport.Status.FAILED: "Your file was not imported",
        AttendanceImport.Status.IMPORTED: "Your file was imported",
        AttendanceImport.Status.UNCHANGED: "This file was already imported",
    }.get(AttendanceImport.Status(imp.status), "Attendance import")


def _prompts(imp: AttendanceImport) -> list[dict[str, Any]]:
    """The evaluation's outcome per trigger (pupils found, cases, tasks, messages), where any."""
    prompts = (imp.summary.get("evaluation") or {}).get("prompts") or {}
    rows = []
    for trigger, label in TRIGGER_LABELS.items():
        counts = prompts.get(trigger) or {}
        if counts.get("found"):
            rows.append({"label": label, **counts})
    return rows
