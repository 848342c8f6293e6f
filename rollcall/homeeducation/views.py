"""Home-education pages, under /home-education/ (docs/home-education.md has who sees what).

Registering a child and the list of records: the Elective Home Education team and heads of
service. Each record's forms: the record's case's team, through the casework policy. Letters:
whoever may see the case. Every page that shows a child logs the read.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.audit.services import child_of, child_record, record_view, record_views
from rollcall.casework.access import EDIT, VIEW, get_case_for_user
from rollcall.casework.carers import carer_letter_send
from rollcall.casework.identity import child_match_or_create
from rollcall.casework.services import CaseworkError
from rollcall.formats import spreadsheet_row
from rollcall.homeeducation import register, services
from rollcall.homeeducation.access import arrangements_visible_to, can_open_record, records_visible_to
from rollcall.homeeducation.forms import (
    ConsentForm,
    ContactForm,
    EducationForm,
    EvidenceForm,
    JudgementForm,
    NoticeForm,
    NotificationDecisionForm,
    ParentNotificationForm,
    ProsecutionForm,
    RecordFilterForm,
    RegisterForm,
)
from rollcall.homeeducation.models import STEP_CHOICES, EHERecord, ParentNotification, SAONotice
from rollcall.pdf import html_to_pdf
from rollcall.rules.home_education import Step
from rollcall.rules.workflow import EHE

_FORM = "homeeducation/form_page.html"


def _record(request: HttpRequest, pk: int, action: str = EDIT) -> EHERecord:
    """The record, if the user may see (and, for EDIT, work) its case; 404 otherwise."""
    record = EHERecord.objects.select_related("child", "case").filter(pk=pk).first()
    if record is None:
        raise Http404("No such record")
    get_case_for_user(signed_in_user(request), record.case_id, action)
    return record


def _back(record: EHERecord) -> HttpResponse:
    return redirect("casework:case", pk=record.case_id)


def _page(request: HttpRequest, title: str, form: Any, record: EHERecord | None, submit: str) -> HttpResponse:
    return render(request, _FORM, {"page_title": title, "form": form, "record": record, "submit": submit})


def record_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_open_record(user):
        raise PermissionDenied("Only the Elective Home Education team can see home-education records.")
    form = RecordFilterForm(request.GET or None)
    records = records_visible_to(user).select_related("child", "case", "case__owner")
    status = form.status_value() if request.GET else ""
    if status == "closed":
        records = records.filter(case__closed_at__isnull=False)
    else:
        records = records.filter(case__closed_at__isnull=True)
        if status:
            records = records.filter(case__status=status)
    before = form.review_before_value() if request.GET else None
    if before is not None:
        records = records.filter(next_review_on__lt=before)
    page = Paginator(records.order_by("next_review_on", "pk"), 50).get_page(request.GET.get("page"))
    record_views(
        user=user,
        children=[record.child_id for record in page],
        what="home-education records",
        path=request.path,
    )
    return render(
        request,
        "homeeducation/record_list.html",
        {"form": form, "page": page, "register_on": settings.CHILDREN_NOT_IN_SCHOOL_REGISTER},
    )


def record_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_open_record(user):
        raise PermissionDenied("Only the Elective Home Education team can register home education.")
    form = RegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        pupil = form.typed_pupil()
        try:
            child, _match, _created = child_match_or_create(
                upn=pupil.upn,
                forename=pupil.forename,
                surname=pupil.surname,
                date_of_birth=pupil.date_of_birth,
                postcode=pupil.postcode or None,
                address=(
                    {"line_1": pupil.address_line_1, "town": pupil.town, "postcode": pupil.postcode}
                    if pupil.address_line_1 and pupil.postcode
                    else None
                ),
                actor=user,
                source="home education registered",
            )
            record = services.record_open(
                child=child,
                actor=user,
                notified_on=form.cleaned_data.get("notified_on"),
                special_school_council_arranged=bool(form.cleaned_data.get("special_school")),
                facts=form.facts(),
            )
        except (CaseworkError, ValidationError) as refused:
            form.add_error(
                None, refused.messages[0] if isinstance(refused, ValidationError) else str(refused)
            )
        else:
            messages.success(
                request, f"{child.full_name} registered as home educated: {record.case.reference}."
            )
            return _back(record)
    return _page(request, "Register a child as home educated", form, None, "Register")


@child_record("home education: education", child_of(EHERecord))
def education_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    initial = {
        "parents": record.parents,
        "educated_by": record.educated_by,
        "hours_per_week": record.hours_per_week,
        "where": record.where,
        "reason": record.reason,
    }
    form = EducationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.education_update(record=record, actor=signed_in_user(request), facts=form.facts())
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Home education details saved.")
            return _back(record)
    return _page(request, "The parents and the education", form, record, "Save")


@child_record("home education: record a contact", child_of(EHERecord))
def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    form = ContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.contact_record(
                record=record,
                actor=signed_in_user(request),
                made_on=d["made_on"],
                method=d["method"],
                with_whom=d["with_whom"],
                notes=d["notes"],
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Contact recorded.")
            return _back(record)
    return _page(request, "Record a contact with the family", form, record, "Record the contact")


@child_record("home education: evidence", child_of(EHERecord))
def evidence_new(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    form = EvidenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.evidence_record(
                record=record,
                actor=signed_in_user(request),
                received_on=d["received_on"],
                kind=d["kind"],
                description=d["description"],
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Evidence recorded.")
            return _back(record)
    return _page(request, "Record evidence of the education", form, record, "Record the evidence")


@child_record("home education: judgement", child_of(EHERecord))
def judgement_new(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    form = JudgementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suitability_judge(
                record=record,
                actor=signed_in_user(request),
                judgement=form.cleaned_data["judgement"],
                reasons=form.cleaned_data["reasons"],
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Your view of the education is recorded.")
            return _back(record)
    return _page(request, "Your view of the education", form, record, "Record your view")


@child_record("home education: consent", child_of(EHERecord))
def consent_new(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_decide(
                record=record,
                actor=signed_in_user(request),
                given=form.cleaned_data["decision"] == "given",
                reasons=form.cleaned_data["reasons"],
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The council's decision on consent is recorded.")
            return _back(record)
    return _page(request, "The council's consent", form, record, "Record the decision")


@child_record("home education: notice", child_of(EHERecord))
def notice_new(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    record = _record(request, pk)
    try:
        which = Step(step)
    except ValueError:
        raise Http404("No such step") from None
    form = NoticeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            notice = services.notice_serve(
                record=record,
                actor=signed_in_user(request),
                step=which,
                served_on=d["served_on"],
                method=d["method"],
                reason=d["reason"],
                schools_named=d["schools_named"],
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{notice.get_step_display()} recorded. Print the letter below.")
            return redirect("homeeducation:letter", pk=notice.pk)
    return _page(
        request, f"Serve: {dict(STEP_CHOICES)[which.value]}", form, record, "Record and make the letter"
    )


@child_record("home education: prosecution", child_of(EHERecord))
def prosecution_new(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    form = ProsecutionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.prosecution_refer(
                record=record,
                actor=signed_in_user(request),
                eso_considered=form.cleaned_data["eso_considered"],
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Referred for prosecution.")
            return redirect("casework:case", pk=order.pk)
    return _page(request, "Refer for prosecution (s.443)", form, record, "Refer for prosecution")


def _notice(request: HttpRequest, pk: int) -> SAONotice:
    notice = SAONotice.objects.select_related("case", "record__child").filter(pk=pk).first()
    if notice is None:
        raise Http404("No such letter")
    user = signed_in_user(request)
    get_case_for_user(user, notice.case_id, VIEW)
    record_view(
        user=user,
        child=notice.record.child_id,
        what=f"letter: {notice.get_step_display()}",
        path=request.path,
    )
    return notice


@child_record("home education letter", child_of(SAONotice, "record__child_id"), shown=False)
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    return render(request, "homeeducation/letter.html", {"notice": notice})


def _letter_pdf_bytes(request: HttpRequest, notice: SAONotice) -> bytes:
    html = render_to_string(
        "homeeducation/letter_pdf.html",
        {"notice": notice, "council_name": settings.COUNCIL_NAME},
        request=request,
    )
    return html_to_pdf(html)


@child_record("home education letter (PDF)", child_of(SAONotice, "record__child_id"), shown=False)
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    pdf = _letter_pdf_bytes(request, notice)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{notice.step}-{notice.case.reference}.pdf"'
    return response


@require_POST
def letter_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Post the letter to the parents through GOV.UK Notify, as the same PDF (once per letter)."""
    notice = _notice(request, pk)
    user = signed_in_user(request)
    case = get_case_for_user(user, notice.case_id, EDIT)
    try:
        carer_letter_send(
            case=case,
            pdf=_letter_pdf_bytes(request, notice),
            what=notice.get_step_display(),
            key=f"ehe-letter:{notice.pk}",
            actor=user,
        )
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Letter sent to GOV.UK Notify to be printed and posted")
    return redirect("homeeducation:letter", pk=notice.pk)


# ---- a parent's own notification -----------------------------------------------------------------


@login_not_required
def notify_public(request: HttpRequest) -> HttpResponse:
    """The public, sign-in-free form. The answer is the reference only: nothing the council holds."""
    form = ParentNotificationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            notification = services.notification_receive(
                facts=form.facts(), client_address=request.META.get("REMOTE_ADDR", "")
            )
        except services.Throttled:
            return render(
                request,
                "homeeducation/notify_throttled.html",
                {"page_title": "Try again tomorrow", "council_name": settings.COUNCIL_NAME},
                status=429,
            )
        return render(
            request,
            "homeeducation/notify_done.html",
            {
                "page_title": "Notification sent",
                "reference": notification.reference,
                "council_name": settings.COUNCIL_NAME,
            },
        )
    return render(
        request,
        "homeeducation/notify_form.html",
        {
            "page_title": "Tell the council you are educating your child at home",
            "form": form,
            "council_name": settings.COUNCIL_NAME,
        },
    )


def _checker(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not can_open_record(user):
        raise PermissionDenied("Only the Elective Home Education team can check parents' notifications.")
    return user


def notification_list(request: HttpRequest) -> HttpResponse:
    _checker(request)
    waiting = ParentNotification.objects.filter(status=ParentNotification.Status.TO_CONFIRM).order_by(
        "confirm_by", "pk"
    )
    return render(request, "homeeducation/notification_list.html", {"notifications": waiting})


def notification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _checker(request)
    notification = ParentNotification.objects.filter(pk=pk).first()
    if notification is None:
        raise Http404("No such notification")
    form = NotificationDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "confirm":
                record = services.notification_confirm(
                    notification=notification, actor=user, note=form.cleaned_data["note"]
                )
                messages.success(request, f"{record.child.full_name} registered as home educated.")
                return _back(record)
            services.notification_refuse(
                notification=notification, actor=user, note=form.cleaned_data["note"]
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{notification.reference} refused. Nothing was changed.")
            return redirect("homeeducation:notifications")
    return render(request, "homeeducation/notification.html", {"notification": notification, "form": form})


# ---- the children-not-in-school register (behind a setting) --------------------------------------


def _register_user(request: HttpRequest) -> User:
    if not settings.CHILDREN_NOT_IN_SCHOOL_REGISTER:
        raise Http404("The register is not in use")
    return _checker(request)


def _register_filters(request: HttpRequest) -> tuple[str, str, str]:
    status = request.GET.get("status", "")
    source = request.GET.get("source", "")
    kind = request.GET.get("kind", "")
    return (
        status if status in EHE.statuses and status not in EHE.closed else "",
        source if source in EHERecord.Source.values else "",
        kind if kind in register.KINDS else "",
    )


def _register_entries(request: HttpRequest, user: User) -> list[register.Entry]:
    status, source, kind = _register_filters(request)
    return register.entries(
        records_visible_to(user),
        arrangements_visible_to(user),
        today=clock.today(),
        status=status,
        source=source,
        kind=kind,
    )


def _children(entries: Any) -> list[int]:
    """Each child once, in the order shown (a child may have two lines)."""
    return list(dict.fromkeys(entry.child_id for entry in entries))


def register_page(request: HttpRequest) -> HttpResponse:
    user = _register_user(request)
    status, source, kind = _register_filters(request)
    page = Paginator(_register_entries(request, user), 50).get_page(request.GET.get("page"))
    record_views(
        user=user,
        children=_children(page),
        what="children not in school register",
        path=request.path,
    )
    visible = records_visible_to(user)
    sources, statuses, table = register.aggregate(visible)
    kinds, types, part_time = register.arrangement_aggregate(
        arrangements_visible_to(user), today=clock.today()
    )
    return render(
        request,
        "homeeducation/register.html",
        {
            "page": page,
            "cells": [entry.cells for entry in page],
            "headers": register.HEADERS,
            "status": status,
            "source": source,
            "kind": kind,
            "kinds": list(register.KINDS.items()),
            "statuses": [(code, label) for code, label in EHE.statuses.items() if code not in EHE.closed],
            "sources": EHERecord.Source.choices,
            "aggregate": list(zip(sources, table.cells, table.row_totals, strict=True)),
            "aggregate_columns": statuses,
            "aggregate_totals": table.column_totals,
            "aggregate_total": table.total,
            "part_time": list(zip(kinds, part_time.cells, part_time.row_totals, strict=True)),
            "part_time_columns": types,
            "part_time_totals": part_time.column_totals,
            "part_time_total": part_time.total,
            "query": request.GET.urlencode(),
        },
    )


def register_csv(request: HttpRequest) -> HttpResponse:
    user = _register_user(request)
    found = _register_entries(request, user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="children-not-in-school.csv"'
    writer = csv.writer(response)
    writer.writerow(register.HEADERS)
    for entry in found:
        writer.writerow(spreadsheet_row(entry.cells))
    # Every child in the extract was shown: one log row each.
    record_views(
        user=user, children=_children(found), what="children not in school register (CSV)", path=request.path
    )
    return response


def register_xlsx(request: HttpRequest) -> HttpResponse:
    """The same extract as the CSV, as a workbook: text cells are never read as formulas."""
    import io

    import xlsxwriter

    user = _register_user(request)
    found = _register_entries(request, user)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties({"title": "Children not in school register", "created": dt.datetime(2000, 1, 1)})  # noqa: DTZ001
    sheet = book.add_worksheet("Register")
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "d mmm yyyy"})
    for column, header in enumerate(register.HEADERS):
        sheet.write_string(0, column, header, bold)
    for line, entry in enumerate(found, start=1):
        for column, cell in enumerate(entry.cells):
            if isinstance(cell, dt.date):
                sheet.write_datetime(line, column, dt.datetime.combine(cell, dt.time()), day)
            elif isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
                sheet.write_number(line, column, float(cell))
            else:
                sheet.write_string(line, column, "" if cell is None else str(cell))
    sheet.freeze_panes(1, 0)
    book.close()
    record_views(
        user=user, children=_children(found), what="children not in school register (XLSX)", path=request.path
    )
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="children-not-in-school.xlsx"'
    return response
