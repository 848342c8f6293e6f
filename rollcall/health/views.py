"""Health-needs pages (docs/health-needs.md has who sees what).

- Reports of absence through illness: school users (their own school only) and the Access to
  Education team.
- Referral, named contact, check-ins, reintegration: the case's team (Access to Education) and
  heads of service, through the casework policy (``get_case_for_user``, ``case_role``).
- The SEN panel: members of the SEN and Access to Education teams and heads of service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import Membership, User
from rollcall.audit.services import child_of, child_record, log_shown, record_view
from rollcall.casework.access import EDIT, case_role, get_case_for_user
from rollcall.casework.identity import ChildDetails
from rollcall.casework.models import Case
from rollcall.casework.services import CaseworkError
from rollcall.health import services
from rollcall.health.access import can_report, can_see_health_details, can_use_sen_panel
from rollcall.health.forms import (
    CheckInForm,
    HealthReportForm,
    NamedContactForm,
    PanelFilterForm,
    ReferralForm,
    ReintegrationForm,
    SenPanelRequestForm,
)
from rollcall.health.models import (
    HealthReport,
    HealthSettings,
    NamedContact,
    ProvisionReferral,
    SenPanelRequest,
)
from rollcall.pdf import html_to_pdf
from rollcall.returns.claims import RECEIVED_MESSAGE
from rollcall.returns.models import SchoolReturn
from rollcall.rules.workflow import Role


def _health_case(request: HttpRequest, pk: int, action: str = EDIT) -> Case:
    case = get_case_for_user(signed_in_user(request), pk, action)
    if case.kind != "health":
        raise Http404("No such case")
    return case


def _officers(case: Case) -> Any:
    ids = Membership.objects.filter(
        team=case.team, role__in=[Role.OFFICER.value, Role.MANAGER.value], user__is_active=True
    ).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "username")


def _back(case: Case) -> HttpResponse:
    return redirect("casework:case", pk=case.pk)


# ---- reports ------------------------------------------------------------------------------------


def report_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_report(user):
        raise PermissionDenied(
            "Only schools and the Access to Education team can report a child absent through illness."
        )
    school = user.school
    form = HealthReportForm(request.POST if request.method == "POST" else None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.health_report_receive(
                actor=user,
                school=school,
                facts=form.facts(),
                child=form.chosen_child(),
                pupil=None if form.chosen_child() else form.typed_pupil(),
            )
        except (CaseworkError, ValidationError) as refused:
            form.add_error(
                None, refused.messages[0] if isinstance(refused, ValidationError) else str(refused)
            )
        else:
            if isinstance(outcome, SchoolReturn):
                # Only what the school typed is said back: never what the council holds.
                pupil = form.typed_pupil()
                messages.success(
                    request, f"Report received for {pupil.forename} {pupil.surname}. {RECEIVED_MESSAGE}"
                )
                return redirect("schools:portal")
            return redirect("health:report-done", pk=outcome.pk)
    return render(
        request,
        "health/report_form.html",
        {
            "page_title": "Report a child absent through illness",
            "form": form,
            "school": school,
            "threshold": HealthSettings.current().threshold_school_days,
        },
    )


@child_record("health report", child_of(HealthReport), shown=False)
def report_done(request: HttpRequest, pk: int) -> HttpResponse:
    """What the school (or officer) sees after reporting: the case is open, and who the named contact is."""
    user = signed_in_user(request)
    report = HealthReport.objects.select_related("child", "school", "case").filter(pk=pk).first()
    if report is None:
        raise Http404("No such report")
    school = user.school
    if school is not None:
        if report.school_id != school.pk:
            raise Http404("No such report")
    elif report.case is None or case_role(user, report.case) is None:
        raise Http404("No such report")
    record_view(user=user, child=report.child, what="health report", path=request.path)
    contact = services.current_contact(report.case) if report.case else None
    return render(
        request,
        "health/report_done.html",
        {
            "page_title": "Report received",
            "report": report,
            "contact": contact,
            "is_school": school is not None,
        },
    )


# ---- referral -----------------------------------------------------------------------------------


@child_record("make a health referral", child_of(Case, kwarg="case_pk"))
def referral_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _health_case(request, case_pk)
    form = ReferralForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_make(case=case, actor=signed_in_user(request), facts=form.facts())
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"Referral to {referral.provision_name} recorded. Print it or download the PDF."
            )
            return redirect("health:referral", pk=referral.pk)
    provision = HealthSettings.current().provision_name
    return render(
        request,
        "health/referral_form.html",
        {"page_title": f"Refer to {provision}", "form": form, "case": case, "provision": provision},
    )


def _referral_for(request: HttpRequest, pk: int) -> ProvisionReferral:
    referral = (
        ProvisionReferral.objects.select_related("case", "child", "school", "made_by").filter(pk=pk).first()
    )
    if referral is None:
        raise Http404("No such referral")
    user = signed_in_user(request)
    _health_case(request, referral.case_id, action="view")
    if not can_see_health_details(user, referral.case):
        raise Http404("No such referral")
    record_view(user=user, child=referral.child, what="health referral", path=request.path)
    return referral


def _referral_context(referral: ProvisionReferral) -> dict[str, Any]:
    contact = services.current_contact(referral.case)
    return {
        "page_title": f"Referral to {referral.provision_name}",
        "referral": referral,
        "child": referral.child,
        "address": referral.child.addresses.filter(moved_out__isnull=True).first(),
        "contact": contact,
        "report": HealthReport.objects.filter(case=referral.case).first(),
    }


@child_record("health referral", child_of(ProvisionReferral), shown=False)
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_for(request, pk)
    return render(request, "health/referral.html", _referral_context(referral))


@child_record("health referral (PDF)", child_of(ProvisionReferral), shown=False)
def referral_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_for(request, pk)
    html = render_to_string("health/referral_pdf.html", _referral_context(referral), request=request)
    pdf = html_to_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="referral-{referral.case.reference}.pdf"'
    return response


@require_POST
@child_record("provision started", child_of(Case, kwarg="case_pk"))
def provision_started(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _health_case(request, case_pk)
    try:
        services.provision_in_place(case=case, actor=signed_in_user(request))
    except CaseworkError as refused:
        messages.error(request, str(refused))
    return _back(case)


# ---- named contact, letter, check-ins ---------------------------------------------------------


@child_record("change the named contact", child_of(Case, kwarg="case_pk"))
def contact_change(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _health_case(request, case_pk)
    form = NamedContactForm(request.POST if request.method == "POST" else None, officers=_officers(case))
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.named_contact_assign(
                case=case, officer=form.cleaned_data["officer"], actor=signed_in_user(request)
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("health:letter", pk=contact.pk)
    return render(
        request,
        "health/contact_form.html",
        {"page_title": "Change the named contact", "form": form, "case": case},
    )


@child_record("named contact letter", child_of(NamedContact, "case__child_id"), shown=False)
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter to the parent or carer naming their council contact (printable)."""
    contact = NamedContact.objects.select_related("case__child", "officer").filter(pk=pk).first()
    if contact is None:
        raise Http404("No such letter")
    case = _health_case(request, contact.case_id, action="view")
    user = signed_in_user(request)
    record_view(user=user, child=case.child, what="named contact letter", path=request.path)
    return render(
        request,
        "health/letter.html",
        {
            "page_title": "Letter to the parent or carer",
            "contact": contact,
            "case": case,
            "child": case.child,
            "address": case.child.addresses.filter(moved_out__isnull=True).first(),
            "provision": HealthSettings.current().provision_name,
            "today": clock.today(),
            "first_checkin": case.checkins.filter(done_on__isnull=True).order_by("due_on").first(),
        },
    )


@child_record("record a check-in", child_of(Case, kwarg="case_pk"))
def checkin_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _health_case(request, case_pk)
    form = CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_record(case=case, actor=signed_in_user(request), facts=form.facts())
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Check-in recorded. The next one is in the check-ins table.")
            return _back(case)
    return render(
        request, "health/checkin_form.html", {"page_title": "Record a check-in", "form": form, "case": case}
    )


@child_record("reintegration plan", child_of(Case, kwarg="case_pk"))
def reintegration_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _health_case(request, case_pk)
    initial = {}
    report = HealthReport.objects.filter(case=case, school__isnull=False).select_related("school").first()
    if report is not None and report.school is not None:
        initial["school_urn"] = report.school.urn
    form = ReintegrationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.reintegration_plan(
                case=case,
                actor=signed_in_user(request),
                school=d["school_urn"],
                target_return_date=d["target_return_date"],
                school_agreed=d["school_agreed"],
                school_agreed_on=d.get("school_agreed_on"),
                plan=d["plan"],
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Reintegration plan recorded.")
            return _back(case)
    return render(
        request,
        "health/reintegration_form.html",
        {"page_title": "Plan reintegration", "form": form, "case": case},
    )


# ---- the SEN panel ------------------------------------------------------------------------------


def sen_panel(request: HttpRequest) -> HttpResponse:
    """The panel's agenda: each child, whether they attend school, and their open cases' kind,
    owning team and owner (never notes or health details)."""
    user = signed_in_user(request)
    if not can_use_sen_panel(user):
        raise PermissionDenied("Only the SEN and Access to Education teams can see the SEN panel.")
    filter_form = PanelFilterForm(request.GET or None)
    requests = SenPanelRequest.objects.select_related("child", "school", "requested_by", "case").order_by(
        "panel_date", "pk"
    )
    panel_date = filter_form.cleaned_data.get("panel_date") if filter_form.is_valid() else None
    if panel_date is not None:
        requests = requests.filter(panel_date=panel_date)
    else:
        requests = requests.filter(panel_date__gte=clock.today())
    requests = requests.prefetch_related(
        Prefetch(
            "child__cases",
            queryset=Case.objects.open().select_related("team", "owner").order_by("kind"),
            to_attr="open_cases",
        )
    )
    rows = list(requests[:200])
    log_shown(request, [row.child_id for row in rows], "SEN panel")
    return render(
        request,
        "health/sen_panel.html",
        {"page_title": "SEN panel", "rows": rows, "filter_form": filter_form, "panel_date": panel_date},
    )


def sen_panel_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_use_sen_panel(user):
        raise PermissionDenied("Only the SEN and Access to Education teams can record SEN panel requests.")
    form = SenPanelRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            pupil = form.typed_pupil()
            record = services.sen_panel_request_record(
                child_details=ChildDetails(
                    forename=pupil.forename,
                    surname=pupil.surname,
                    date_of_birth=pupil.date_of_birth,
                    upn=pupil.upn,
                    postcode=pupil.postcode or None,
                ),
                actor=user,
                panel_date=d["panel_date"],
                attending_school=d["attending_school"],
                school=d.get("school_urn"),
                details=d.get("details") or "",
            )
        except (CaseworkError, ValidationError) as refused:
            form.add_error(
                None, refused.messages[0] if isinstance(refused, ValidationError) else str(refused)
            )
        else:
            text = f"Request for {record.child.full_name} added to the panel on {record.panel_date:%d/%m/%Y}."
            if record.access_told_at:
                text += " Access to Education has been told the child is not attending school."
            messages.success(request, text)
            return redirect(
                reverse("health:sen-panel") + f"?panel_date_0={record.panel_date.day}"
                f"&panel_date_1={record.panel_date.month}&panel_date_2={record.panel_date.year}"
            )
    return render(
        request,
        "health/sen_panel_form.html",
        {"page_title": "Record a request to the SEN panel", "form": form},
    )
