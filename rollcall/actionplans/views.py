"""Action-plan pages (docs/actionplans.md has who sees what).

- Complaints with their progress, a complaint's plan, an action with its timeline and evidence,
  the overdue list: council staff in any team (``access.can_read``).
- Recording and changing complaints and actions: managers, heads of service, administrators.
- Adding an update or evidence: those, and the Roll Call user responsible for the action.
- The scrutiny view and its PDF and XLSX: council staff and report readers (directors, DMT,
  scrutiny committee).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.actionplans import access, charts, exports, selectors, services
from rollcall.actionplans.features import feature as feature_for
from rollcall.actionplans.forms import ActionForm, ComplaintForm, EvidenceForm, UpdateForm
from rollcall.actionplans.models import Action, ActionUpdate, Evidence
from rollcall.actionplans.services import ActionPlanError
from rollcall.concurrency import EditConflict
from rollcall.forms import form_conflict


def _reader(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not access.can_read(user):
        raise PermissionDenied
    return user


# ---- complaints ---------------------------------------------------------------------------------


@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Every complaint with its progress (n of m complete, RAG counts, overdue): three queries."""
    user = _reader(request)
    today = clock.today()
    return render(
        request,
        "actionplans/complaint_list.html",
        {
            "page_title": "Ombudsman action plans",
            "rows": selectors.progress(today),
            "overdue_count": selectors.overdue_actions(today).count(),
            "can_manage": access.can_manage(user),
        },
    )


def _complaint_form_page(
    request: HttpRequest,
    form: ComplaintForm,
    *,
    heading: str,
    submit: str,
    cancel_url: str,
    caption: str = "",
) -> HttpResponse:
    return render(
        request,
        "actionplans/form.html",
        {
            "page_title": heading,
            "heading": heading,
            "caption": caption,
            "form": form,
            "submit": submit,
            "cancel_url": cancel_url,
        },
    )


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    if not access.can_manage(user):
        raise PermissionDenied
    form = ComplaintForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_record(facts=form.facts(), actor=user)
        except ActionPlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Complaint recorded. Add its actions next.")
            return redirect("actionplans:complaint", complaint.pk)
    return _complaint_form_page(
        request,
        form,
        heading="Record an ombudsman complaint",
        submit="Record complaint",
        cancel_url=reverse("actionplans:list"),
    )


@require_http_methods(["GET", "POST"])
def complaint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    complaint = access.get_complaint_for_user(user, pk, manage=True)
    current = services.ComplaintFacts(
        reference=complaint.reference,
        title=complaint.title,
        decision_on=complaint.decision_on,
        summary=complaint.summary,
        findings=complaint.findings,
        recommendations=complaint.recommendations,
        approved_by=complaint.approved_by,
        council_named_in_source=complaint.council_named_in_source,
        source_document=complaint.source_document,
    )
    form = ComplaintForm(
        request.POST if request.method == "POST" else None,
        initial={k: getattr(current, k) for k in ComplaintForm.base_fields},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_change(complaint=complaint, facts=form.facts(keep=current), actor=user)
        except ActionPlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Complaint details saved.")
            return redirect("actionplans:complaint", complaint.pk)
    return _complaint_form_page(
        request,
        form,
        heading="Change the complaint's details",
        caption=complaint.reference,
        submit="Save",
        cancel_url=reverse("actionplans:complaint", args=[complaint.pk]),
    )


@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    complaint = access.get_complaint_for_user(user, pk)
    today = clock.today()
    actions = list(complaint.actions.select_related("responsible", "policy").order_by("number"))
    figures = next(iter(selectors.progress(today, complaint_ids=[complaint.pk])), None)
    return render(
        request,
        "actionplans/complaint.html",
        {
            "page_title": f"{complaint.reference}: {complaint.title}",
            "complaint": complaint,
            "rows": selectors.action_rows(actions, today=today),
            "figures": figures,
            "can_manage": access.can_manage(user),
        },
    )


# ---- actions ----------------------------------------------------------------------------------------


def _action_form_page(
    request: HttpRequest,
    form: ActionForm,
    *,
    heading: str,
    caption: str,
    submit: str,
    cancel_url: str,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "actionplans/form.html",
        {
            "page_title": heading,
            "heading": heading,
            "caption": caption,
            "form": form,
            "submit": submit,
            "cancel_url": cancel_url,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    complaint = access.get_complaint_for_user(user, pk, manage=True)
    form = ActionForm(request.POST if request.method == "POST" else None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_add(
                complaint=complaint,
                facts=form.facts(),
                actor=user,
                tracked_from=form.cleaned_data["tracked_from"],
            )
        except ActionPlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Action {action.number} added.")
            return redirect("actionplans:action", action.pk)
    return _action_form_page(
        request,
        form,
        heading="Add an action",
        caption=f"{complaint.reference}: {complaint.title}",
        submit="Add action",
        cancel_url=reverse("actionplans:complaint", args=[complaint.pk]),
    )


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    action = access.get_action_for_user(user, pk, manage=True)
    initial = {
        "description": action.description,
        "owner_title": action.owner_title,
        "responsible": action.responsible_id,
        "team": action.team_id,
        "due_on": action.due_on,
        "time_frame_as_written": action.time_frame_as_written,
        "feature": action.feature,
        "policy": action.policy_id,
        "version": action.version,
    }
    form = ActionForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.action_change(
                action=action, facts=form.facts(), actor=user, expected_version=form.cleaned_data["version"]
            )
        except EditConflict as stale:
            # Someone changed the action since this form was opened: nothing saved (issue 11).
            form_conflict(form, stale)
            status = 409
        except ActionPlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Action details saved.")
            return redirect("actionplans:action", action.pk)
    return _action_form_page(
        request,
        form,
        heading=f"Change action {action.number}",
        caption=f"{action.complaint.reference}: {action.complaint.title}",
        submit="Save",
        cancel_url=reverse("actionplans:action", args=[action.pk]),
        status=status,
    )


def _timeline(action: Action) -> list[dict[str, Any]]:
    """The updates, newest first, each marked with what it changed from the one before."""
    updates = list(
        ActionUpdate.objects.filter(action=action)
        .select_related("author")
        .prefetch_related("evidence")
        .order_by("effective_on", "recorded_at", "pk")
    )
    items = []
    previous: ActionUpdate | None = None
    for u in updates:
        items.append(
            {
                "update": u,
                "status_changed": previous is None or previous.status != u.status,
                "rag_changed": previous is None or previous.rag != u.rag,
                "recorded_on": clock.local_date(u.recorded_at),
            }
        )
        previous = u
    return items[::-1]


@require_GET
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    action = access.get_action_for_user(user, pk)
    today = clock.today()
    [row] = selectors.action_rows([action], today=today)
    can_update = access.can_update(user, action)
    return render(
        request,
        "actionplans/action.html",
        {
            "page_title": f"Action {action.number} of {action.complaint.reference}",
            "action": action,
            "complaint": action.complaint,
            "row": row,
            "feature": feature_for(action.feature) if action.feature else None,
            "timeline": _timeline(action),
            "evidence": list(
                action.evidence.select_related("added_by", "update").order_by("-added_at", "-pk")
            ),
            "can_update": can_update,
            "can_manage": access.can_manage(user),
            "form": UpdateForm(current_status=action.status, current_rag=action.rag) if can_update else None,
        },
    )


@require_http_methods(["GET", "POST"])
def update_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a dated update (status, RAG, outcome). The action page shows the same form."""
    user = signed_in_user(request)
    action = access.get_action_for_user(user, pk, update=True)
    form = UpdateForm(
        request.POST if request.method == "POST" else None,
        current_status=action.status,
        current_rag=action.rag,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.action_update(
                action=action,
                actor=user,
                status=d["status"],
                rag=d["rag"] or "",
                text=d["text"],
                happened_on=d["happened_on"],
            )
        except ActionPlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Update added.")
            return redirect("actionplans:action", action.pk)
    return render(
        request,
        "actionplans/form.html",
        {
            "page_title": "Add an update",
            "heading": "Add an update",
            "caption": f"Action {action.number} of {action.complaint.reference}",
            "intro": action.description,
            "form": form,
            "submit": "Add update",
            "cancel_url": reverse("actionplans:action", args=[action.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    action = access.get_action_for_user(user, pk, update=True)
    post = request.method == "POST"
    form = EvidenceForm(request.POST if post else None, request.FILES if post else None)
    if post and form.is_valid():
        d = form.cleaned_data
        try:
            services.evidence_add(
                action=action, actor=user, title=d["title"], file=d["file"], url=d["url"] or ""
            )
        except ActionPlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Evidence added.")
            return redirect("actionplans:action", action.pk)
    return render(
        request,
        "actionplans/form.html",
        {
            "page_title": "Add evidence",
            "heading": "Add evidence",
            "caption": f"Action {action.number} of {action.complaint.reference}",
            "form": form,
            "submit": "Add evidence",
            "cancel_url": reverse("actionplans:action", args=[action.pk]),
        },
    )


@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, to signed-in council staff only (never public, never to schools)."""
    _reader(request)
    evidence = get_object_or_404(Evidence, pk=pk)
    if not evidence.file:
        raise Http404
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.filename)


# ---- lists and reports -------------------------------------------------------------------------------


@require_GET
def overdue_list(request: HttpRequest) -> HttpResponse:
    """Every action past its due date and not complete, oldest first."""
    user = _reader(request)
    today = clock.today()
    actions = list(selectors.overdue_actions(today))
    return render(
        request,
        "actionplans/overdue.html",
        {
            "page_title": "Overdue actions",
            "actions": actions,
            "today": today,
            "can_manage": access.can_manage(user),
        },
    )


def _scrutiny_reader(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not access.can_read_scrutiny(user):
        raise PermissionDenied
    return user


@require_GET
def scrutiny(request: HttpRequest) -> HttpResponse:
    """The committee's view: per complaint, progress over time and every action's standing."""
    user = _scrutiny_reader(request)
    report = selectors.scrutiny_report(today=clock.today())
    return render(
        request,
        "actionplans/scrutiny.html",
        {
            "page_title": "Ombudsman action plans: scrutiny report",
            "report": report,
            "charts": exports.chart_uris(report),
            "series": charts.SERIES,
            "can_read_plans": access.can_read(user),
        },
    )


@require_GET
def scrutiny_pdf(request: HttpRequest) -> HttpResponse:
    _scrutiny_reader(request)
    report = selectors.scrutiny_report(today=clock.today())
    pdf = exports.scrutiny_pdf(report, council_name=settings.COUNCIL_NAME)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="action-plans-{report.produced_on.isoformat()}.pdf"'
    )
    return response


@require_GET
def scrutiny_xlsx(request: HttpRequest) -> HttpResponse:
    _scrutiny_reader(request)
    report = selectors.scrutiny_report(today=clock.today())
    response = HttpResponse(
        exports.scrutiny_xlsx(report, council_name=settings.COUNCIL_NAME), content_type=exports.XLSX
    )
    response["Content-Disposition"] = (
        f'attachment; filename="action-plans-{report.produced_on.isoformat()}.xlsx"'
    )
    return response
