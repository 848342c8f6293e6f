"""The admissions pages: the check-off list, applications and offers, the printable request and
letter, the school's confirmation pages, Fair Access, waiting for a place and deferred places.

Every view starts with an access helper from rollcall/admissions/access.py; every change goes
through a service in rollcall/admissions/services.py (a CaseworkError is shown in the error
summary and nothing is saved).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.admissions import exports, selectors, services
from rollcall.admissions.access import (
    fair_access_visible_to,
    get_application_for_user,
    get_request_for_user,
    require_admissions,
)
from rollcall.admissions.forms import (
    AdmittedForm,
    AllocateForm,
    ApplicationForm,
    CheckOffFilterForm,
    ConfirmForm,
    ContactForm,
    DeferredForm,
    FairAccessForm,
    OfferForm,
)
from rollcall.admissions.models import Application, DeferredPlace, FairAccessReferral, PutOnRollRequest
from rollcall.audit.services import child_of, child_record, log_shown, record_view
from rollcall.casework.access import cases_visible_to
from rollcall.casework.calendar import council_calendar
from rollcall.casework.identity import ChildDetails
from rollcall.casework.models import Case
from rollcall.casework.services import CaseworkError
from rollcall.concurrency import EditConflict
from rollcall.formats import long_date
from rollcall.forms import form_conflict
from rollcall.rules.admissions import academic_year_span, days_waiting, month_end
from rollcall.rules.calendar import academic_year_of
from rollcall.rules.vulnerability import CHARACTERISTICS
from rollcall.schools.models import RollEntry

PAGE_SIZE = 50


def _refused(form: forms.Form, error: CaseworkError) -> None:
    form.add_error(None, str(error))


# ---- the check-off list -----------------------------------------------------------------------


def _checkoff_queryset(request: HttpRequest) -> tuple[Any, CheckOffFilterForm, str, bool]:
    user = signed_in_user(request)
    require_admissions(user)
    today = clock.today()
    form = CheckOffFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = request.GET.get("sort", selectors.DEFAULT_SORT)
    if sort not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    descending = request.GET.get("order") == "desc"
    requests = selectors.checkoff_filter(selectors.tracked_requests(user), filters, user, today)
    requests = selectors.with_related(selectors.checkoff_order(requests, sort, descending))
    return requests, form, sort, descending


@require_GET
def checkoff(request: HttpRequest) -> HttpResponse:
    """Vulnerable applicants awaiting confirmation, with counts, filters, sort and downloads."""
    requests, form, sort, descending = _checkoff_queryset(request)
    user = signed_in_user(request)
    today = clock.today()
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.rows_for(page.object_list, council_calendar(), today)  # type: ignore[arg-type]
    log_shown(request, [row.request.child_id for row in rows], "vulnerable applicants check-off list")
    columns = {
        key: {
            "key": key,
            "label": label,
            "order": "asc" if sort == key and descending else "desc" if sort == key else "asc",
            "aria_sort": ("descending" if descending else "ascending") if sort == key else "none",
        }
        for key, label in (
            ("child", "Child"),
            ("school", "School"),
            ("offered", "Offer date"),
            ("waiting", "Days waiting"),
            ("due", "Answer due"),
        )
    }
    return render(
        request,
        "admissions/checkoff.html",
        {
            "page_title": "Vulnerable applicants: check-off list",
            "counts": selectors.checkoff_counts(selectors.tracked_requests(user), today),
            "form": form,
            "rows": rows,
            "page_obj": page,
            "columns": columns,
            "query": request.GET.urlencode(),
        },
    )


def _checkoff_rows(request: HttpRequest, what: str) -> list[list[Any]]:
    requests, _form, _sort, _desc = _checkoff_queryset(request)
    rows = selectors.rows_for(requests, council_calendar(), clock.today())
    log_shown(request, [row.request.child_id for row in rows], what)
    return [row.cells() for row in rows]


@require_GET
def checkoff_csv(request: HttpRequest) -> HttpResponse:
    return exports.csv_response(
        "vulnerable-applicants.csv", selectors.HEADERS, _checkoff_rows(request, "vulnerable applicants (CSV)")
    )


@require_GET
def checkoff_xlsx(request: HttpRequest) -> HttpResponse:
    return exports.xlsx_response(
        "vulnerable-applicants.xlsx",
        "Vulnerable applicants",
        selectors.HEADERS,
        _checkoff_rows(request, "vulnerable applicants (XLSX)"),
    )


# ---- applications and offers ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest) -> HttpResponse:
    """Record an in-year application and its vulnerability risk assessment."""
    user = signed_in_user(request)
    require_admissions(user, edit=True)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The child's record is matched or created in the service's transaction, so a
            # refused application leaves no record behind (issue 11, finding 5).
            application = services.application_record(
                actor=user,
                child_details=ChildDetails(
                    forename=data["forename"],
                    surname=data["surname"],
                    date_of_birth=data["date_of_birth"],
                    upn=data["upn"] or None,
                    postcode=data["postcode"] or None,
                ),
                received_on=data["received_on"],
                preferred_schools=[
                    s
                    for s in (
                        data["preferred_school_1"],
                        data["preferred_school_2"],
                        data["preferred_school_3"],
                    )
                    if s
                ],
                reason_for_move=data["reason_for_move"],
                current_school=data["current_school"],
                answers={
                    c.code: services.AnswerInput(data[c.code], data[f"{c.code}_evidence"])
                    for c in CHARACTERISTICS
                },
            )
        except CaseworkError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                "Application recorded. "
                + (
                    "Vulnerable applicant: tracking case opened."
                    if application.vulnerable
                    else "Not flagged."
                ),
            )
            return redirect("admissions:application", application.pk)
    return render(
        request,
        "admissions/application_form.html",
        {"page_title": "Record an in-year application", "form": form},
    )


@require_GET
@child_record("admissions application", child_of(Application), shown=False)
def application(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    require_admissions(user)
    app = get_application_for_user(user, pk)
    record_view(user=user, child=app.child, what="admissions application", path=request.path)
    answers = {a.characteristic: a for a in app.answers.all()}
    rows = [(c, answers.get(c.code)) for c in CHARACTERISTICS]
    requests = list(app.requests.select_related("school", "offer").prefetch_related("contacts"))
    return render(
        request,
        "admissions/application.html",
        {
            "page_title": f"Application: {app.child.full_name}",
            "app": app,
            "answer_rows": rows,
            "requests": requests,
            "schools": app.preferred_schools,
        },
    )


@require_http_methods(["GET", "POST"])
@child_record("record an offer", child_of(Application))
def offer_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    require_admissions(user, edit=True)
    app = get_application_for_user(user, pk)
    form = OfferForm(request.POST or None, initial={"school": app.preferred_school_1_id})
    if request.method == "POST" and form.is_valid():
        try:
            put = services.offer_record(
                application=app,
                school=form.cleaned_data["school"],
                decision_date=form.cleaned_data["decision_date"],
                offered_on=form.cleaned_data["offered_on"],
                actor=user,
            )
        except CaseworkError as error:
            _refused(form, error)
        else:
            messages.success(
                request, f"Offer recorded; {put.school.name} asked to confirm by {long_date(put.answer_due)}."
            )
            return redirect("admissions:application", app.pk)
    return render(
        request,
        "admissions/form_page.html",
        {
            "page_title": f"Record the offer for {app.child.full_name}",
            "form": form,
            "submit": "Record the offer and send the request",
            "cancel_url": reverse("admissions:application", args=[app.pk]),
        },
    )


@require_GET
@child_record("put-on-roll request", child_of(PutOnRollRequest), shown=False)
def request_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable 'please put this child on roll' request (the council or the school)."""
    user = signed_in_user(request)
    put = get_request_for_user(user, pk)
    record_view(user=user, child=put.child, what="put-on-roll request", path=request.path)
    return render(
        request,
        "admissions/letter.html",
        {
            "page_title": f"Please put {put.child.full_name} on roll",
            "to": put.school.name,
            "body": services.render_school_request(put),
            "put": put,
        },
    )


@require_GET
@child_record("parent letter", child_of(PutOnRollRequest), shown=False)
def letter_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable letter to the parent or carer (council staff only)."""
    user = signed_in_user(request)
    require_admissions(user)
    put = get_request_for_user(user, pk)
    record_view(user=user, child=put.child, what="parent letter", path=request.path)
    return render(
        request,
        "admissions/letter.html",
        {
            "page_title": f"Offer of a place: {put.child.full_name}",
            "to": f"The parent or carer of {put.child.full_name}",
            "body": services.render_parent_letter(put),
            "put": put,
        },
    )


@require_http_methods(["GET", "POST"])
@child_record("record a contact", child_of(PutOnRollRequest))
def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    require_admissions(user, edit=True)
    put = get_request_for_user(user, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_record(request=put, actor=user, **form.cleaned_data)
        except CaseworkError as error:
            _refused(form, error)
        else:
            messages.success(request, "Contact recorded.")
            return redirect("admissions:application", put.application_id)
    return render(
        request,
        "admissions/form_page.html",
        {
            "page_title": f"Record contact about {put.child.full_name}'s place",
            "form": form,
            "submit": "Record contact",
            "cancel_url": reverse("admissions:application", args=[put.application_id]),
        },
    )


@require_POST
@child_record("waiting for a place", child_of(Application))
def waiting_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a 'waiting for a place' case for the applicant (from the application page)."""
    user = signed_in_user(request)
    require_admissions(user, edit=True)
    app = get_application_for_user(user, pk)
    try:
        case = services.waiting_open(child=app.child, actor=user)
    except CaseworkError as error:
        messages.error(request, str(error))
        return redirect("admissions:application", app.pk)
    messages.success(request, f"Waiting for a place: case {case.reference} opened.")
    return redirect("admissions:application", app.pk)


# ---- the school's pages -----------------------------------------------------------------------


def _school_user(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not user.is_school_user:
        raise PermissionDenied("These pages are for schools.")
    return user


@require_GET
def school_list(request: HttpRequest) -> HttpResponse:
    """The school's own put-on-roll requests, unanswered first."""
    user = _school_user(request)
    from rollcall.admissions.access import requests_visible_to

    requests = (
        requests_visible_to(user).select_related("child", "offer").order_by("answered_at", "answer_due", "pk")
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    log_shown(request, [put.child_id for put in page.object_list], "children to put on roll")
    return render(
        request,
        "admissions/school_list.html",
        {"page_title": "Children to put on roll", "page_obj": page, "today": clock.today()},
    )


@require_http_methods(["GET", "POST"])
@child_record("put-on-roll request", child_of(PutOnRollRequest), shown=False)
def school_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The school answers: on roll from DATE (and first day attended), or not on roll because…"""
    user = _school_user(request)
    put = get_request_for_user(user, pk)
    record_view(user=user, child=put.child, what="put-on-roll request", path=request.path)
    form = ConfirmForm(request.POST or None, initial={"version": put.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_answer(
                request=put,
                actor=user,
                on_roll=data["on_roll"] == "yes",
                on_roll_from=data["on_roll_from"],
                attended_from=data["attended_from"],
                reason=data["reason"],
                expected_version=data["version"],
            )
        except EditConflict as stale:
            # Someone answered or changed the request since this form was opened (issue 11).
            form_conflict(form, stale)
            status = 409
        except CaseworkError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Thank you: your answer about {put.child.full_name} is recorded.")
            return redirect("admissions:school_list")
    return render(
        request,
        "admissions/school_request.html",
        {
            "page_title": f"Is {put.child.full_name} on your roll?",
            "put": put,
            "form": form,
            "body": services.render_school_request(put),
        },
        status=status,
    )


# ---- Fair Access --------------------------------------------------------------------------------


@require_GET
def fair_access(request: HttpRequest) -> HttpResponse:
    """Fair Access cases by status and school days open (page, or XLSX with ?format=xlsx)."""
    user = signed_in_user(request)
    require_admissions(user)
    today = clock.today()
    calendar = council_calendar()
    referrals = list(
        fair_access_visible_to(user)
        .select_related("child", "school_allocated", "case")
        .order_by("placement_due", "pk")
    )
    rows = [
        {
            "r": r,
            "days_open": days_waiting(calendar, r.taken_into_protocol_on, r.admitted_on or today),
            "overdue": r.admitted_on is None and r.placement_due < today,
        }
        for r in referrals
    ]
    by_status: dict[str, int] = {}
    for row in rows:
        label = row["r"].status_label  # type: ignore[attr-defined]
        by_status[label] = by_status.get(label, 0) + 1
    xlsx = request.GET.get("format") == "xlsx"
    log_shown(
        request, [r.child_id for r in referrals], "Fair Access cases (XLSX)" if xlsx else "Fair Access cases"
    )
    if xlsx:
        headers = [
            "Child",
            "Category",
            "Taken in",
            "Placement due",
            "School allocated",
            "Status",
            "School days open",
        ]
        return exports.xlsx_response(
            "fair-access.xlsx",
            "Fair Access",
            headers,
            [
                [
                    r.child.full_name,
                    r.get_category_display(),
                    r.taken_into_protocol_on,
                    r.placement_due,
                    r.school_allocated.name if r.school_allocated else "",
                    r.status_label,
                    row["days_open"],
                ]
                for row in rows
                for r in [row["r"]]
                if isinstance(r, FairAccessReferral)
            ],
        )
    return render(
        request,
        "admissions/fair_access.html",
        {"page_title": "Fair Access cases", "rows": rows, "by_status": sorted(by_status.items())},
    )


@require_http_methods(["GET", "POST"])
def fair_access_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    require_admissions(user, edit=True)
    form = FairAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.fair_access_refer(
                actor=user,
                child_details=ChildDetails(
                    forename=data["forename"],
                    surname=data["surname"],
                    date_of_birth=data["date_of_birth"],
                    upn=data["upn"] or None,
                ),
                category=data["category"],
                reason=data["reason"],
                schools_considered=list(data["schools_considered"]),
                taken_into_protocol_on=data["taken_into_protocol_on"],
                panel_date=data["panel_date"],
            )
        except CaseworkError as error:
            _refused(form, error)
        else:
            messages.success(
                request, f"Fair Access referral recorded; place due by {long_date(referral.placement_due)}."
            )
            return redirect("admissions:fair_access_detail", referral.pk)
    return render(
        request,
        "admissions/form_page.html",
        {"page_title": "Fair Access referral", "form": form, "submit": "Record the referral"},
    )


def _get_referral(user: User, pk: int) -> FairAccessReferral:
    referral = (
        fair_access_visible_to(user).select_related("child", "school_allocated", "case").filter(pk=pk).first()
    )
    if referral is None:
        raise Http404("No such referral")
    return referral


@require_http_methods(["GET", "POST"])
@child_record("Fair Access referral", child_of(FairAccessReferral), shown=False)
def fair_access_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A referral, with the allocation, direction and admission actions."""
    user = signed_in_user(request)
    require_admissions(user)
    referral = _get_referral(user, pk)
    record_view(user=user, child=referral.child, what="Fair Access referral", path=request.path)
    allocate = AllocateForm(request.POST if request.POST.get("action") == "allocate" else None)
    admitted = AdmittedForm(request.POST if request.POST.get("action") == "admitted" else None)
    if request.method == "POST":
        require_admissions(user, edit=True)
        action = request.POST.get("action")
        try:
            if action == "allocate" and allocate.is_valid():
                services.fair_access_allocate(referral=referral, actor=user, **allocate.cleaned_data)
                return redirect("admissions:fair_access_detail", pk)
            if action == "admitted" and admitted.is_valid():
                services.fair_access_admitted(referral=referral, actor=user, **admitted.cleaned_data)
                return redirect("admissions:fair_access_detail", pk)
            if action == "direction":
                services.fair_access_request_direction(referral=referral, actor=user)
                return redirect("admissions:fair_access_detail", pk)
        except CaseworkError as error:
            messages.error(request, str(error))
            return redirect("admissions:fair_access_detail", pk)
    return render(
        request,
        "admissions/fair_access_detail.html",
        {
            "page_title": f"Fair Access: {referral.child.full_name}",
            "referral": referral,
            "allocate": allocate,
            "admitted": admitted,
            "schools_considered": list(referral.schools_considered.all()),
        },
    )


# ---- reports: waiting for a place, deferred places ----------------------------------------------


@require_GET
def waiting(request: HttpRequest) -> HttpResponse:
    """Children without a roll waiting for a place, as at the end of a month (?month=YYYY-MM,
    default this month; ?format=xlsx). Reproducible: last March's report shows last March."""
    user = signed_in_user(request)
    require_admissions(user)
    today = clock.today()
    calendar = council_calendar()
    months = _recent_months(today)
    chosen = request.GET.get("month") or months[0][0]
    if chosen not in dict(months):
        raise Http404("Choose one of the months listed")
    year, month = (int(part) for part in chosen.split("-"))
    as_at = min(month_end(year, month), today)
    # A case counts if it was open at the end of as_at (closed later, or not yet) and the child
    # was not on a roll that day.
    end_of_day = dt.datetime.combine(as_at + dt.timedelta(days=1), dt.time(), tzinfo=clock.LONDON)
    on_roll = RollEntry.objects.filter(child=OuterRef("child"), on_roll_from__lte=as_at).filter(
        Q(on_roll_to__isnull=True) | Q(on_roll_to__gt=as_at)
    )
    cases = list(
        cases_visible_to(user)
        .filter(kind="waiting", opened_on__lte=as_at)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end_of_day))
        .annotate(on_roll=Exists(on_roll))
        .filter(on_roll=False)
        .select_related("child", "owner")
        .order_by("opened_on", "pk")
    )
    rows = [{"case": c, "days": days_waiting(calendar, c.opened_on, as_at)} for c in cases]
    xlsx = request.GET.get("format") == "xlsx"
    log_shown(
        request, [c.child_id for c in cases], "waiting for a place (XLSX)" if xlsx else "waiting for a place"
    )
    if xlsx:
        return exports.xlsx_response(
            f"waiting-for-a-place-{chosen}.xlsx",
            f"Waiting for a place at {as_at:%d %b %Y}",
            [
                "Case",
                "Child",
                "Date of birth",
                "Waiting since",
                "School days waiting",
                "Owner",
                "Next action",
                "Due",
            ],
            [
                [
                    c.reference,
                    c.child.full_name,
                    c.child.date_of_birth,
                    c.opened_on,
                    row["days"],
                    str(c.owner or ""),
                    c.next_action,
                    c.next_action_due,
                ]
                for row in rows
                for c in [row["case"]]
                if isinstance(c, Case)
            ],
        )
    return render(
        request,
        "admissions/waiting.html",
        {
            "page_title": "Children waiting for a place",
            "rows": rows,
            "months": months,
            "chosen": chosen,
            "as_at": as_at,
        },
    )


def _recent_months(today: dt.date, count: int = 24) -> list[tuple[str, str]]:
    """(YYYY-MM, "November 2026") for this month and the ones before it, newest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append((f"{year:04d}-{month:02d}", f"{dt.date(year, month, 1):%B %Y}"))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


@require_http_methods(["GET", "POST"])
def deferred(request: HttpRequest) -> HttpResponse:
    """Deferred school places (the annual report; ?format=xlsx) and recording a new one."""
    user = signed_in_user(request)
    require_admissions(user)
    form = DeferredForm(request.POST or None)
    if request.method == "POST":
        require_admissions(user, edit=True)
        if form.is_valid():
            data = form.cleaned_data
            services.deferred_record(
                child_details=ChildDetails(
                    forename=data["forename"], surname=data["surname"], date_of_birth=data["date_of_birth"]
                ),
                school=data["school"],
                due_to_start=data["due_to_start"],
                actor=user,
            )
            messages.success(request, "Deferred place recorded.")
            return redirect("admissions:deferred")
    this_year = academic_year_of(clock.today())
    years = [(str(y), f"{y}/{(y + 1) % 100:02d}") for y in range(this_year + 1, this_year - 5, -1)]
    chosen = request.GET.get("year") or str(this_year)
    if chosen not in dict(years):
        raise Http404("Choose one of the school years listed")
    first, last = academic_year_span(int(chosen))
    places = list(
        DeferredPlace.objects.filter(due_to_start__range=(first, last))
        .select_related("child", "school")
        .order_by("due_to_start", "pk")
    )
    xlsx = request.GET.get("format") == "xlsx"
    log_shown(request, [p.child_id for p in places], "deferred places (XLSX)" if xlsx else "deferred places")
    if xlsx:
        return exports.xlsx_response(
            f"deferred-places-{chosen}.xlsx",
            "Deferred places",
            ["Child", "Date of birth", "School", "Due to start", "Checked on", "Started"],
            [
                [
                    p.child.full_name,
                    p.child.date_of_birth,
                    p.school.name,
                    p.due_to_start,
                    p.checked_on,
                    "" if p.started is None else ("Yes" if p.started else "No"),
                ]
                for p in places
            ],
        )
    return render(
        request,
        "admissions/deferred.html",
        {
            "page_title": "Deferred school places",
            "places": places,
            "form": form,
            "years": years,
            "chosen": chosen,
        },
    )
