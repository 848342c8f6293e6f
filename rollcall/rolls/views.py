"""A school's roll over time (each snapshot's counts, the deletion returns still missing), and the
page to send a roll file, which a background task loads while its page shows how far it has got.

The import page works without JavaScript (a "Refresh" link); with it, a small script polls the
import's progress as JSON, announces it in an aria-live region and reloads the page at the end.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.audit.services import record_views
from rollcall.rolls.access import can_load_roll, can_see_roll_history
from rollcall.rolls.forms import RollUploadForm
from rollcall.rolls.imports import roll_import_create
from rollcall.rolls.models import DeletionReturnMissing, RollImport, RollSnapshot
from rollcall.rolls.pupils import COLUMNS
from rollcall.rolls.selectors import new_pupil_returns_missing
from rollcall.schools.models import School

SNAPSHOTS_SHOWN = 60
ERRORS_PER_PAGE = 50
RUNNING = frozenset({RollImport.Status.QUEUED, RollImport.Status.RUNNING})


@require_GET
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
    new_pupils = new_pupil_returns_missing(today=clock.today(), school=school)
    record_views(
        user=user,
        children=[row.child_id for row in new_pupils],
        what="New pupil returns not received",
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
            "new_pupils_missing": new_pupils,
            "today": clock.today(),
            "can_load": can_load_roll(user, school),
        },
    )


def _loader(request: HttpRequest, urn: str) -> tuple[User, School]:
    """The signed-in person and the school, when they may load its roll (else 404, as for a
    school they may not see)."""
    user = signed_in_user(request)
    school = School.objects.filter(urn=urn).first()
    if school is None or not can_load_roll(user, school):
        raise Http404("No such school")
    return user, school


@require_http_methods(["GET", "POST"])
def roll_upload(request: HttpRequest, urn: str) -> HttpResponse:
    """The upload form: store the file, queue its load, and go to its page (PRG)."""
    user, school = _loader(request, urn)
    form = RollUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        imp = roll_import_create(
            school=school,
            as_of=form.cleaned_data["as_of"],
            content=upload,
            original_name=upload.name or "roll",
            file_format=form.cleaned_data["file_format"],
            uploaded_by=user,
        )
        return redirect("rolls:import", urn=school.urn, pk=imp.pk)
    return render(
        request,
        "rolls/roll_upload.html",
        {"page_title": "Send a school roll", "form": form, "school": school, "columns": COLUMNS},
    )


def _import(request: HttpRequest, urn: str, pk: int) -> RollImport:
    _user, school = _loader(request, urn)
    imp = RollImport.objects.filter(pk=pk, school=school).select_related("school", "snapshot").first()
    if imp is None:
        raise Http404("No such roll file")
    return imp


def _progress(imp: RollImport) -> dict[str, object]:
    return {
        "status": imp.status,
        "status_label": imp.get_status_display(),
        "stage": imp.stage,
        "pupils_done": imp.pupils_done,
        "pupils_total": imp.pupils_total,
        "percent": 100
        if imp.status not in RUNNING
        else (int(100 * imp.pupils_done / imp.pupils_total) if imp.pupils_total else 0),
        "finished": imp.status not in RUNNING,
    }


@require_GET
def roll_import_progress(request: HttpRequest, urn: str, pk: int) -> JsonResponse:
    """How far a roll file's load has got, for the import page's script."""
    return JsonResponse(_progress(_import(request, urn, pk)))


@require_GET
def roll_import_detail(request: HttpRequest, urn: str, pk: int) -> HttpResponse:
    """One roll file: its progress while it loads, then what it changed or every error in it."""
    imp = _import(request, urn, pk)
    titles = {
        RollImport.Status.QUEUED: "Waiting to load the roll",
        RollImport.Status.RUNNING: "Loading the roll",
        RollImport.Status.FAILED: "The roll was not loaded",
        RollImport.Status.LOADED: "The roll was loaded",
        RollImport.Status.UNCHANGED: "This roll was already loaded",
    }
    return render(
        request,
        "rolls/roll_import.html",
        {
            "page_title": titles[RollImport.Status(imp.status)],
            "imp": imp,
            "school": imp.school,
            "Status": RollImport.Status,
            "in_progress": imp.status in RUNNING,
            "progress": _progress(imp),
            "errors_page": Paginator(imp.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page")),
            "errors_capped": imp.error_count > len(imp.errors),
        },
    )
