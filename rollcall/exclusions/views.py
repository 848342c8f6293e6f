"""Exclusion and penalty-notice pages, under /exclusions/ (docs/exclusions.md has who sees what).

Every page that shows a child logs the read (``record_view``). Permission checks are the
functions of rollcall/exclusions/access.py, shared with the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.audit.services import child_of, child_record, log_shown, record_view
from rollcall.casework.services import CaseworkError
from rollcall.exclusions import services
from rollcall.exclusions.access import (
    can_decide_penalties,
    can_hold_support_meetings,
    can_notify,
    can_read_exclusions,
    can_record_board,
    can_record_provision,
    considerations_visible_to,
    exclusions_visible_to,
)
from rollcall.exclusions.forms import (
    DecisionForm,
    ExclusionForm,
    NoticeForm,
    PaymentForm,
    PenaltyRequestForm,
    ProsecutionStepForm,
    ProvisionForm,
    ReviewStepForm,
    SupportActionForm,
    SupportMeetingForm,
    WithdrawForm,
)
from rollcall.exclusions.models import (
    BudgetAdjustment,
    Consideration,
    EnforcementSettings,
    Exclusion,
    PenaltyNotice,
    SupportMeeting,
)
from rollcall.returns.claims import RECEIVED_MESSAGE
from rollcall.rules.exclusions import ReviewStep
from rollcall.rules.penalties import NoticeTerms, ProsecutionStep, payment_state, prosecution_next


def exclusion_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_notify(user) or user.school is None:
        raise PermissionDenied("Only a school can notify the council of an exclusion.")
    form = ExclusionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.exclusion_notify(
                school=user.school, actor=user, pupil=form.typed_pupil(), facts=form.facts()
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            if outcome.exclusion is None:
                pupil = form.typed_pupil()
                messages.success(
                    request, f"Notification received for {pupil.forename} {pupil.surname}. {RECEIVED_MESSAGE}"
                )
                return redirect("schools:portal")
            messages.success(request, "The council has your notification.")
            return redirect("exclusions:exclusion", pk=outcome.exclusion.pk)
    return render(
        request,
        "exclusions/exclusion_form.html",
        {"page_title": "Tell the council about an exclusion", "form": form, "school": user.school},
    )


def exclusion_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_read_exclusions(user):
        raise PermissionDenied("Only schools and the Access to Education team can read exclusions.")
    exclusions = exclusions_visible_to(user).select_related("child", "school").order_by("-first_day", "-pk")
    kind = request.GET.get("kind", "")
    if kind in Exclusion.Kind.values:
        exclusions = exclusions.filter(kind=kind)
    page = Paginator(exclusions, 50).get_page(request.GET.get("page"))
    log_shown(request, [e.child_id for e in page.object_list], "exclusions")
    return render(
        request,
        "exclusions/exclusion_list.html",
        {
            "page_title": "Exclusions",
            "page_obj": page,
            "kind": kind,
            "kinds": Exclusion.Kind.choices,
            "is_school": user.is_school_user,
            "today": clock.today(),
        },
    )


def _exclusion(request: HttpRequest, pk: int) -> Exclusion:
    found = (
        exclusions_visible_to(signed_in_user(request))
        .select_related("child", "school", "case")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such exclusion")
    return found


@child_record("exclusion", child_of(Exclusion), shown=False)
def exclusion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    exclusion = _exclusion(request, pk)
    may_provide = exclusion.provision_from is None and (
        (exclusion.kind == Exclusion.Kind.PERMANENT and can_record_provision(user))
        or (exclusion.school_arranges_sixth_day and can_record_board(user, exclusion))
    )
    # A step is offered while the route waits for one: the board's meeting when one is due (the
    # API also takes a board's meeting about a short suspension), then what review_next says.
    may_step = can_record_board(user, exclusion) and (
        exclusion.review_next != "" or (exclusion.board_met_on is None and exclusion.board_due is not None)
    )
    provision_form = ProvisionForm(prefix="provision")
    step_form = ReviewStepForm(prefix="step")
    if request.method == "POST":
        try:
            if "provision-provider" in request.POST and may_provide:
                provision_form = ProvisionForm(request.POST, prefix="provision")
                if provision_form.is_valid():
                    services.provision_record(
                        exclusion=exclusion,
                        actor=user,
                        provision_from=provision_form.cleaned_data["provision_from"],
                        provider=provision_form.cleaned_data["provider"],
                    )
                    messages.success(request, "Provision recorded.")
                    return redirect("exclusions:exclusion", pk=pk)
            elif "step-step" in request.POST and may_step:
                step_form = ReviewStepForm(request.POST, prefix="step")
                if step_form.is_valid():
                    data = step_form.cleaned_data
                    services.review_step_record(
                        exclusion=exclusion,
                        actor=user,
                        step=ReviewStep(data["step"]),
                        on=data["on"],
                        outcome=step_form.chosen_outcome(),
                        notice_sent_on=data["notice_sent_on"],
                        notice_by_post=data["notice_by_post"],
                        note=data["note"],
                    )
                    messages.success(request, "Recorded.")
                    return redirect("exclusions:exclusion", pk=pk)
            else:
                raise PermissionDenied("You cannot record that for this exclusion.")
        except CaseworkError as refused:
            if step_form.is_bound:
                # The route's order (rules.exclusions.review_step_check): in the form's error summary.
                step_form.add_error(None, str(refused))
            else:
                messages.error(request, str(refused))
    record_view(user=user, child=exclusion.child, what="exclusion", path=request.path)
    return render(
        request,
        "exclusions/exclusion_detail.html",
        {
            "page_title": f"{exclusion.get_kind_display()}: {exclusion.child.full_name}",
            "exclusion": exclusion,
            "provision_form": provision_form if may_provide else None,
            "step_form": step_form if may_step else None,
            "steps": list(exclusion.steps.select_related("recorded_by").order_by("on", "pk")),
            "budget_adjustment": BudgetAdjustment.objects.filter(exclusion=exclusion)
            .select_related("school")
            .first(),
            "review_next": ReviewStep(exclusion.review_next).label if exclusion.review_next else "",
            "is_school": user.is_school_user,
        },
    )


# ---- penalty notices ----------------------------------------------------------------------------


def penalty_request_new(request: HttpRequest) -> HttpResponse:
    """A school asks the council to consider a penalty notice; the council decides."""
    user = signed_in_user(request)
    if not can_notify(user) or user.school is None:
        raise PermissionDenied("Only a school can ask the council to consider a penalty notice.")
    form = PenaltyRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.penalty_request(
                school=user.school,
                actor=user,
                pupil=form.typed_pupil(),
                sessions=form.cleaned_data["sessions"],
                support_offered=form.cleaned_data["support_offered"],
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The council has your request. Its attendance team will decide.")
            return redirect("exclusions:exclusions")
    return render(
        request,
        "exclusions/penalty_request_form.html",
        {"page_title": "Ask the council to consider a penalty notice", "form": form, "school": user.school},
    )


def consideration_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_decide_penalties(user):
        raise PermissionDenied("Only the Access to Education team decides penalty notices.")
    show = request.GET.get("show", "undecided")
    considerations = considerations_visible_to(user).select_related("child").order_by("reached_on", "pk")
    if show == "undecided":
        considerations = considerations.filter(decision="")
    page = Paginator(considerations, 50).get_page(request.GET.get("page"))
    log_shown(request, [c.child_id for c in page.object_list], "penalty notices to consider")
    settings = EnforcementSettings.current()
    return render(
        request,
        "exclusions/consideration_list.html",
        {
            "page_title": "Penalty notices to consider",
            "page_obj": page,
            "show": show,
            "threshold": settings.threshold_sessions,
            "weeks": settings.window_weeks,
        },
    )


def _terms(notice: PenaltyNotice) -> NoticeTerms:
    return NoticeTerms(notice.number, notice.reduced_amount, notice.reduced_by, notice.amount, notice.pay_by)


@child_record("penalty-notice consideration", child_of(Consideration), shown=False)
def consideration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    if not can_decide_penalties(user):
        raise PermissionDenied("Only the Access to Education team decides penalty notices.")
    consideration = (
        considerations_visible_to(user)
        .select_related("child", "decided_by", "requested_by_school")
        .filter(pk=pk)
        .first()
    )
    if consideration is None:
        raise Http404("No such consideration")
    forms: dict[str, Any] = {
        "decision": DecisionForm(prefix="decision"),
        "notice": NoticeForm(prefix="notice"),
        "payment": PaymentForm(prefix="payment"),
        "withdraw": WithdrawForm(prefix="withdraw"),
        "prosecution": ProsecutionStepForm(prefix="prosecution"),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        notice = None
        if action in {"payment", "withdraw"}:
            notice = PenaltyNotice.objects.filter(
                consideration=consideration, pk=request.POST.get("notice_id") or 0
            ).first()
            if notice is None:
                raise Http404("No such notice")
        if action not in forms:
            raise PermissionDenied("Unknown action")
        form = forms[action] = type(forms[action])(request.POST, prefix=action)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "decision":
                    services.consideration_decide(
                        consideration=consideration,
                        actor=user,
                        decision=data["decision"],
                        reason=data["reason"],
                    )
                elif action == "notice":
                    services.penalty_notice_issue(
                        consideration=consideration,
                        actor=user,
                        parent_name=data["parent_name"],
                        issued_on=data["issued_on"],
                        received_on=data["received_on"],
                    )
                elif action == "prosecution":
                    services.prosecution_step_record(
                        consideration=consideration,
                        actor=user,
                        step=ProsecutionStep(data["step"]),
                        on=data["on"],
                        fine=data["fine"],
                        note=data["note"],
                    )
                elif action == "payment" and notice is not None:
                    services.penalty_payment_record(
                        notice=notice, actor=user, paid_on=data["paid_on"], amount=data["amount"]
                    )
                elif notice is not None:
                    services.penalty_notice_withdraw(
                        notice=notice, actor=user, on=data["withdrawn_on"], reason=data["reason"]
                    )
            except CaseworkError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, "Saved.")
                return redirect("exclusions:consideration", pk=pk)
    record_view(user=user, child=consideration.child, what="penalty-notice consideration", path=request.path)
    today = clock.today()
    notices = [
        (n, payment_state(_terms(n), today, n.paid_on, n.paid_amount))
        for n in PenaltyNotice.objects.filter(consideration=consideration).order_by("issued_on", "pk")
    ]
    steps = list(consideration.prosecution_steps.select_related("recorded_by").order_by("on", "pk"))
    return render(
        request,
        "exclusions/consideration_detail.html",
        {
            "page_title": f"Penalty notice to consider: {consideration.child.full_name}",
            "consideration": consideration,
            "notices": notices,
            "forms": forms,
            "can_issue": consideration.decision == Consideration.Decision.PENALTY_NOTICE,
            "prosecution_steps": steps,
            "prosecution_open": bool(
                consideration.decision
                and consideration.decision != Consideration.Decision.NO_ACTION
                and prosecution_next([ProsecutionStep(s.step) for s in steps])
            ),
        },
    )


# ---- the termly targeting support meeting -------------------------------------------------------


def support_meeting_list(request: HttpRequest) -> HttpResponse:
    """The meetings with schools, this term's first: due or held. Names schools, not children."""
    user = signed_in_user(request)
    if not can_hold_support_meetings(user):
        raise PermissionDenied("Only the attendance support team holds support meetings.")
    show = request.GET.get("show", "due")
    meetings = SupportMeeting.objects.select_related("school", "held_by").annotate(n_actions=Count("actions"))
    if show == "due":
        meetings = meetings.filter(held_on__isnull=True)
    elif show == "held":
        meetings = meetings.filter(held_on__isnull=False)
    meetings = meetings.order_by("-academic_year", "-due", "school__name", "pk")
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "exclusions/support_meeting_list.html",
        {"page_title": "Attendance support meetings", "page_obj": page, "show": show, "today": clock.today()},
    )


def support_meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One school's meeting: its persistently and severely absent pupils, the notes and the actions."""
    user = signed_in_user(request)
    if not can_hold_support_meetings(user):
        raise PermissionDenied("Only the attendance support team holds support meetings.")
    meeting = SupportMeeting.objects.select_related("school", "held_by").filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting")
    pupils = list(services.support_pupils(meeting))
    choices = [
        (p.child_id, f"{p.child.full_name} ({p.absent_sessions} of {p.possible_sessions} sessions)")
        for p in pupils
    ]
    meeting_form = SupportMeetingForm(prefix="meeting")
    action_form = SupportActionForm(prefix="action", pupils=choices)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "meeting":
                meeting_form = SupportMeetingForm(request.POST, prefix="meeting")
                if meeting_form.is_valid():
                    services.support_meeting_hold(
                        meeting=meeting,
                        actor=user,
                        held_on=meeting_form.cleaned_data["held_on"],
                        notes=meeting_form.cleaned_data["notes"],
                    )
                    messages.success(request, "The meeting is recorded.")
                    return redirect("exclusions:support-meeting", pk=pk)
            elif action == "pupil":
                action_form = SupportActionForm(request.POST, prefix="action", pupils=choices)
                if action_form.is_valid():
                    services.support_action_record(
                        meeting=meeting,
                        actor=user,
                        child_id=action_form.cleaned_data["child"],
                        action=action_form.cleaned_data["action"],
                    )
                    messages.success(request, "The action is recorded.")
                    return redirect("exclusions:support-meeting", pk=pk)
            else:
                raise PermissionDenied("Unknown action")
        except CaseworkError as refused:
            messages.error(request, str(refused))
    actions = list(meeting.actions.select_related("child", "recorded_by"))
    shown = dict.fromkeys([p.child_id for p in pupils] + [a.child_id for a in actions])
    log_shown(request, list(shown), "attendance support meeting")
    return render(
        request,
        "exclusions/support_meeting_detail.html",
        {
            "page_title": f"Attendance support meeting: {meeting.school.name}",
            "meeting": meeting,
            "pupils": pupils,
            "actions": actions,
            "meeting_form": meeting_form,
            "action_form": action_form,
        },
    )
