"""The council officer's casework pages: the caseload, a case, and the actions on a case.

Every view starts with the access policy (rollcall/casework/access.py): lists read
``cases_visible_to(user)``, a case page ``get_case_for_user(user, pk)``, and every action
``get_case_for_user(user, pk, action="edit")`` (403 for someone who may see but not work the
case). Every change goes through one service in rollcall/casework/services.py; a refusal
(CaseworkError) is shown in the form's error summary and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.audit.services import child_of, child_record, log_shown, record_view
from rollcall.casework import services
from rollcall.casework.access import EDIT, can_edit_case, case_role, cases_visible_to, get_case_for_user
from rollcall.casework.events import event_text
from rollcall.casework.forms import (
    MINE,
    OPEN,
    AssignForm,
    CaseloadFilterForm,
    EnquiryForm,
    NoteForm,
    TaskForm,
    TransitionForm,
)
from rollcall.casework.models import Case, Enquiry, Flag, Task
from rollcall.casework.services import CaseworkError
from rollcall.concurrency import EditConflict
from rollcall.forms import form_conflict
from rollcall.notify.models import Dispatch
from rollcall.rules.escalation import Level
from rollcall.rules.workflow import Role, Transition
from rollcall.schools.models import RemovalNotice

PAGE_SIZE = 50


def _case_url(case: Case) -> str:
    return reverse("casework:case", args=[case.pk])


# ---- the caseload -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sort:
    """One way to order the caseload: the column it belongs to and its default direction."""

    key: str
    label: str
    default_descending: bool
    fields: tuple[str, ...]


SORTS: dict[str, Sort] = {
    s.key: s
    for s in (
        Sort("due", "Next action", False, ("next_action_due",)),
        Sort("opened", "Opened", True, ("opened_at",)),
        Sort("surname", "Child", False, ("child__legal_surname", "child__legal_forename")),
        Sort("level", "Escalation", True, ("escalation_level", "next_action_due")),
    )
}
DEFAULT_SORT = "due"


def _ordering(sort: Sort, descending: bool) -> list[Any]:
    ordering: list[Any] = []
    for name in sort.fields:
        expression = F(name)
        # Closed cases have no next action: keep them after the dated ones either way.
        ordering.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
    ordering.append(F("pk").desc() if descending else F("pk").asc())
    return ordering


def _caseload_counts(cases: QuerySet[Case], today: dt.date) -> dict[str, int]:
    """The headline numbers over the person's open cases, in one aggregate query.

    They count every open case the person may see, not the filtered list, so the numbers at the
    top stay put while someone narrows the table below.
    """
    open_ = Q(closed_at__isnull=True)
    counts: dict[str, int] = cases.aggregate(
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=open_ & Q(next_action_due__lt=today)),
        escalated=Count("pk", filter=open_ & Q(escalation_level__gte=Level.MANAGER)),
        exceptions=Count("pk", filter=open_ & Q(escalation_level__gte=Level.EXCEPTIONS)),
    )
    return counts


@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """The cases this person may see, open ones of their teams first, filtered and sorted."""
    user = signed_in_user(request)
    today = clock.today()
    visible = cases_visible_to(user)

    data = {**CaseloadFilterForm.DEFAULTS, **request.GET.dict()}
    form = CaseloadFilterForm(data)
    # An impossible filter value (an edited URL) is shown in the error summary and ignored.
    form.is_valid()
    filters = form.cleaned_data

    cases = visible
    status = filters.get("status") or OPEN
    if status == OPEN:
        cases = cases.filter(closed_at__isnull=True)
    elif status != "all":
        cases = cases.filter(status=status)
    if filters.get("kind"):
        cases = cases.filter(kind=filters["kind"])
    if filters.get("owner") == MINE:
        cases = cases.filter(owner=user)
    if filters.get("level") is not None:
        cases = cases.filter(escalation_level=filters["level"])
    if filters.get("overdue"):
        cases = cases.filter(closed_at__isnull=True, next_action_due__lt=today)

    sort = SORTS.get(request.GET.get("sort", ""), SORTS[DEFAULT_SORT])
    order = request.GET.get("order", "")
    descending = order == "desc" if order in {"asc", "desc"} else sort.default_descending
    cases = cases.select_related("child", "owner", "team").order_by(*_ordering(sort, descending))

    paginator = Paginator(cases, PAGE_SIZE)
    page: Page[Case] = paginator.get_page(request.GET.get("page"))
    log_shown(request, [case.child_id for case in page.object_list], "caseload")
    rows = [
        {
            "case": case,
            "overdue": case.is_open and case.next_action_due is not None and case.next_action_due < today,
            "level": case.level,
        }
        for case in page.object_list
    ]
    columns = [
        {
            "key": s.key,
            "label": s.label,
            "aria_sort": ("descending" if descending else "ascending") if s is sort else "none",
            # Pressing the current column reverses it; another column starts in its own direction.
            "order": ("asc" if descending else "desc")
            if s is sort
            else ("desc" if s.default_descending else "asc"),
        }
        for s in SORTS.values()
    ]
    return render(
        request,
        "casework/caseload.html",
        {
            "page_title": "Caseload",
            "form": form,
            "filtering": any(name in request.GET for name in form.fields),
            "counts": _caseload_counts(visible, today),
            "rows": rows,
            "page_obj": page,
            "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "ellipsis": Paginator.ELLIPSIS,
            "columns": {c["key"]: c for c in columns},
            "today": today,
        },
    )


# ---- the case page ----------------------------------------------------------------------------


@require_GET
@child_record("case", child_of(Case), shown=False)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one case, and the actions this person may take on it."""
    user = signed_in_user(request)
    case = get_case_for_user(user, pk)
    # Every view of a child's record is logged (UK GDPR: need-to-know access, docs/access.md).
    record_view(user=user, child=case.child, what="case", path=request.path)
    role = case_role(user, case)
    can_edit = can_edit_case(user, case)

    enquiries = list(case.enquiries.select_related("recorded_by"))
    made = {e.party for e in enquiries}
    checklist = [{"party": label, "made": code in made} for code, label in Enquiry.Party.choices]
    # Notes are need-to-know (docs/access.md): the case's team and heads of service read them.
    # Administrators may open any case for audit, but see only that notes exist, not what they
    # say; can_edit_case is exactly "the team and heads of service", so it decides.
    notes = list(case.notes.select_related("author")) if can_edit else []
    note_count = len(notes) if can_edit else case.notes.count()
    actions: list[Transition] = case.workflow.allowed(case.status, role) if role is not None else []
    events = list(case.events.select_related("actor"))
    return render(
        request,
        "casework/case.html",
        {
            "page_title": f"{case.reference}: {case.child.full_name}",
            "case": case,
            "flags": list(
                Flag.objects.filter(child_id=case.child_id, cleared_at__isnull=True).order_by("-raised_at")
            ),
            "notice": _notice(case),
            "tasks": list(case.tasks.filter(status=Task.Status.OPEN).select_related("assignee")),
            "checklist": checklist,
            "enquiries": enquiries,
            "can_edit": can_edit,
            "can_read_notes": can_edit,
            "notes": notes,
            "note_count": note_count,
            "timeline": [{"event": e, "text": event_text(e)} for e in events],
            "actions": [{"name": t.name, "target": t.target} for t in actions],
            "can_assign": role in {Role.MANAGER, Role.HEAD_OF_SERVICE},
            "today": clock.today(),
            # Reasonable enquiries are the CME guidance's; other kinds show their own panel.
            "shows_enquiries": case.kind in {"cme", "removal"},
            "kind_panel": _kind_panel(request, case),
            "carers": list(case.child.carers.order_by("name", "pk")),
            "dispatches": list(
                Dispatch.objects.filter(child_id=case.child_id)
                .select_related("carer")
                .order_by("-created_at")[:20]
            ),
        },
    )


def _kind_panel(request: HttpRequest, case: Case) -> str:
    """The section an area adds to its own kind of case (settings.CASE_PANELS), or nothing."""
    path = settings.CASE_PANELS.get(case.kind)
    if path is None:
        return ""
    panel: str = import_string(path)(request, case)
    return panel


def _notice(case: Case) -> RemovalNotice | None:
    if case.removal_notice_id is None:
        return None
    return (
        RemovalNotice.objects.select_related("school", "destination_school")
        .filter(pk=case.removal_notice_id)
        .first()
    )


# ---- actions ------------------------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    case: Case,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    intro: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "casework/action.html",
        {
            "page_title": f"{'Error: ' if form.errors else ''}{title}: {case.reference}",
            "heading": title,
            "case": case,
            "form": form,
            "submit": submit,
            "intro": intro,
            "cancel_url": _case_url(case),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@child_record("record an enquiry", child_of(Case))
def enquiry_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = get_case_for_user(user, pk, action=EDIT)
    form = EnquiryForm(request.POST) if request.method == "POST" else EnquiryForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enquiry_record(
                case=case,
                actor=user,
                party=data["party"],
                made_on=data["made_on"],
                result=data["result"],
                details=data["details"],
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Enquiry recorded")
            return redirect(_case_url(case))
    return _form_page(request, case, form, title="Record an enquiry", submit="Save enquiry")


@require_http_methods(["GET", "POST"])
@child_record("add a case note", child_of(Case))
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = get_case_for_user(user, pk, action=EDIT)
    form = NoteForm(request.POST) if request.method == "POST" else NoteForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.note_add(case=case, author=user, text=form.cleaned_data["text"])
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Note added")
            return redirect(_case_url(case))
    return _form_page(request, case, form, title="Add a note", submit="Save note")


@require_http_methods(["GET", "POST"])
@child_record("add a task", child_of(Case))
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    case = get_case_for_user(user, pk, action=EDIT)
    if request.method == "POST":
        form = TaskForm(request.POST, team=case.team_id)
    else:
        form = TaskForm(team=case.team_id, initial={"assignee": case.owner_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.task_add(
                case=case, actor=user, title=data["title"], due=data["due"], assignee=data["assignee"]
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Task added")
            return redirect(_case_url(case))
    return _form_page(request, case, form, title="Add a task", submit="Save task")


@require_POST
@child_record("complete a task", child_of(Case))
def task_complete(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    """The "Mark as done" button beside each open task on the case page."""
    user = signed_in_user(request)
    case = get_case_for_user(user, pk, action=EDIT)
    task = get_object_or_404(case.tasks.select_related("case"), pk=task_pk)
    if task.status != Task.Status.OPEN:
        messages.info(request, f"“{task.title}” was already done")
        return redirect(_case_url(case))
    try:
        services.task_complete(task=task, actor=user)
    except CaseworkError as error:
        # No form to show again: the refusal is shown on the case page instead.
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{task.title}” marked as done")
    return redirect(_case_url(case))


def _transition_for(case: Case, target: str, role: Role | None) -> Transition:
    """The move to ``target`` this person may make now: 404 if there is no such move, 403 if
    it exists but not for their role."""
    workflow = case.workflow
    if target not in workflow.statuses or workflow.transition(case.status, target) is None:
        raise Http404("This case cannot move there")
    move = workflow.transition(case.status, target, role) if role is not None else None
    if move is None or role is Role.SYSTEM:
        raise PermissionDenied("You cannot make this move")
    return move


@require_http_methods(["GET", "POST"])
@child_record("move a case", child_of(Case))
def case_move(request: HttpRequest, pk: int, target: str) -> HttpResponse:
    """One workflow move (start enquiries, propose or approve closure, reopen…) as a form."""
    user = signed_in_user(request)
    case = get_case_for_user(user, pk, action=EDIT)
    move = _transition_for(case, target, case_role(user, case))
    kwargs: dict[str, Any] = {"workflow": case.workflow, "transition": move}
    if request.method == "POST":
        form = TransitionForm(request.POST, **kwargs)
    else:
        form = TransitionForm(initial={"version": case.version}, **kwargs)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.case_transition(
                case=case,
                target=target,
                actor=user,
                outcome=form.outcome_code,
                outcome_details=form.outcome_details(),
                reason=form.cleaned_data.get("reason", ""),
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as stale:
            form_conflict(form, stale)
            status = 409
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{move.name}: the case is now “{case.workflow.status_label(target)}”")
            return redirect(_case_url(case))
    intro = f"The case will move from “{case.status_label}” to “{case.workflow.status_label(target)}”."
    if case.status == "awaiting_approval" and case.outcome_label:
        intro += f" The proposed outcome is “{case.outcome_label}”."
    return _form_page(request, case, form, title=move.name, submit=move.name, intro=intro, status=status)


@require_http_methods(["GET", "POST"])
@child_record("reassign a case", child_of(Case))
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the case to someone else in its team (team managers and heads of service)."""
    user = signed_in_user(request)
    case = get_case_for_user(user, pk, action=EDIT)
    if case_role(user, case) not in {Role.MANAGER, Role.HEAD_OF_SERVICE}:
        raise PermissionDenied("Only a team manager or head of service can reassign a case.")
    if request.method == "POST":
        form = AssignForm(request.POST, team=case.team_id)
    else:
        form = AssignForm(team=case.team_id, initial={"owner": case.owner_id, "version": case.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        owner: User = form.cleaned_data["owner"]
        try:
            services.case_assign(
                case=case, owner=owner, actor=user, expected_version=form.cleaned_data["version"]
            )
        except EditConflict as stale:
            # Someone changed the case since this form was opened: nothing saved (issue 11).
            form_conflict(form, stale)
            status = 409
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Case assigned to {owner}")
            return redirect(_case_url(case))
    return _form_page(request, case, form, title="Reassign the case", submit="Reassign", status=status)
