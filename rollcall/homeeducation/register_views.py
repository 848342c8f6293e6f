"""Pages for the register's own records, under /home-education/ (docs/home-education.md):
part-time arrangements (the EHE team, and each school for its own pupils) and requests for the
register information (the EHE team). Every page that shows a child logs the read.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.audit.services import child_of, child_record, record_views
from rollcall.casework.services import CaseworkError
from rollcall.homeeducation import notinschool
from rollcall.homeeducation.access import (
    arrangements_visible_to,
    can_answer_request,
    can_ask_about_arrangement,
    can_edit_record,
    can_see_arrangements,
    can_view_record,
    is_ehe_staff,
    requests_visible_to,
)
from rollcall.homeeducation.forms import (
    AnswerForm,
    ArrangementEndForm,
    ArrangementForm,
    RequestFilterForm,
    RequestForm,
)
from rollcall.homeeducation.models import EHERecord, InformationRequest, PartTimeArrangement
from rollcall.rules.not_in_school import request_state
from rollcall.schools.models import School

_FORM = "homeeducation/register_form.html"


def _arrangement_user(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not can_see_arrangements(user):
        raise PermissionDenied(
            "Only the Elective Home Education team and schools see part-time arrangements."
        )
    return user


def _arrangement(request: HttpRequest, pk: int) -> tuple[User, PartTimeArrangement]:
    user = _arrangement_user(request)
    arrangement = (
        arrangements_visible_to(user).select_related("child", "school", "entered_by").filter(pk=pk).first()
    )
    if arrangement is None:
        raise Http404("No such arrangement")
    return user, arrangement


def arrangement_list(request: HttpRequest) -> HttpResponse:
    user = _arrangement_user(request)
    today = clock.today()
    ended = request.GET.get("show") == "ended"
    rows = arrangements_visible_to(user).select_related("child", "school")
    in_force = Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    rows = rows.exclude(in_force) if ended else rows.filter(in_force)
    page = Paginator(rows.order_by("school__name", "child__legal_surname", "pk"), 50).get_page(
        request.GET.get("page")
    )
    record_views(
        user=user, children=[a.child_id for a in page], what="part-time arrangements", path=request.path
    )
    return render(
        request,
        "homeeducation/arrangement_list.html",
        {"page": page, "ended": ended, "school_user": not is_ehe_staff(user)},
    )


def arrangement_new(request: HttpRequest) -> HttpResponse:
    user = _arrangement_user(request)
    own_school = None if is_ehe_staff(user) else user.school
    form = ArrangementForm(
        request.POST if request.method == "POST" else None, school_fixed=own_school is not None
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        school = own_school or School.objects.filter(urn=d["school_urn"].strip()).first()
        if school is None:
            form.add_error("school_urn", "There is no school with this URN")
        else:
            child = notinschool.pupil_on_roll(
                school,
                upn=d["upn"],
                forename=d["first_name"],
                surname=d["last_name"],
                date_of_birth=d["date_of_birth"],
            )
            if child is None:
                form.add_error(
                    "upn" if d["upn"] else "first_name",
                    f"No pupil on {school.name}'s roll matches these details",
                )
            else:
                try:
                    arrangement = notinschool.arrangement_record(
                        actor=user, school=school, child=child, facts=form.facts()
                    )
                except CaseworkError as refused:
                    form.add_error(None, str(refused))
                else:
                    messages.success(request, f"Part-time arrangement recorded: {arrangement.reference}.")
                    return redirect("homeeducation:arrangement", pk=arrangement.pk)
    return render(
        request,
        _FORM,
        {
            "page_title": "Record a pupil educated elsewhere part of the time",
            "form": form,
            "submit": "Record the arrangement",
            "cancel": "homeeducation:arrangements",
        },
    )


@child_record("part-time arrangement", child_of(PartTimeArrangement))
def arrangement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, arrangement = _arrangement(request, pk)
    requests = (
        list(arrangement.information_requests.order_by("-sent_on", "-pk")) if is_ehe_staff(user) else []
    )
    return render(
        request,
        "homeeducation/arrangement.html",
        {
            "arrangement": arrangement,
            "requests": requests,
            "can_ask": can_ask_about_arrangement(user),
            "today": clock.today(),
        },
    )


@child_record("part-time arrangement: end", child_of(PartTimeArrangement))
def arrangement_end(request: HttpRequest, pk: int) -> HttpResponse:
    user, arrangement = _arrangement(request, pk)
    form = ArrangementEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            notinschool.arrangement_end(
                actor=user, arrangement=arrangement, ends_on=form.cleaned_data["ends_on"]
            )
        except CaseworkError as refused:
            form.add_error("ends_on", str(refused))
        else:
            messages.success(request, "The end date is recorded.")
            return redirect("homeeducation:arrangement", pk=arrangement.pk)
    return render(
        request,
        _FORM,
        {
            "page_title": "End the arrangement",
            "caption": f"{arrangement.reference}: {arrangement.child.full_name}",
            "form": form,
            "submit": "Save",
            "cancel": "homeeducation:arrangements",
        },
    )


# ---- requests for the register information -------------------------------------------------------


def _request_page(
    request: HttpRequest, caption: str, form: RequestForm | AnswerForm, submit: str
) -> HttpResponse:
    return render(
        request,
        _FORM,
        {
            "page_title": "Ask for the register information"
            if isinstance(form, RequestForm)
            else "Record the answer",
            "caption": caption,
            "form": form,
            "submit": submit,
            "cancel": "homeeducation:requests",
        },
    )


def _ask(
    request: HttpRequest,
    user: User,
    caption: str,
    initial: dict[str, str],
    *,
    record: EHERecord | None = None,
    arrangement: PartTimeArrangement | None = None,
) -> HttpResponse:
    form = RequestForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            asked = notinschool.information_request(
                actor=user,
                recipient=d["recipient"],
                addressed_to=d["addressed_to"],
                asked_for=d["asked_for"],
                sent_on=d["sent_on"],
                record=record,
                arrangement=arrangement,
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Request {asked.reference} recorded: due {asked.due_on:%d/%m/%Y}.")
            if record is not None:
                return redirect("casework:case", pk=record.case_id)
            return redirect("homeeducation:arrangement", pk=asked.arrangement_id)
    return _request_page(request, caption, form, "Record the request")


_ASK_FOR = (
    "The register information: the child's details, each parent, who educates the child and for how long."
)


@child_record("home education: ask for the register information", child_of(EHERecord))
def record_request_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    record = EHERecord.objects.select_related("child", "case").filter(pk=pk).first()
    if record is None or not can_view_record(user, record):
        raise Http404("No such record")
    if not can_edit_record(user, record):
        raise PermissionDenied("You cannot change this record.")
    return _ask(
        request,
        user,
        f"{record.case.reference}: {record.child.full_name}",
        {
            "recipient": "parent",
            "addressed_to": record.parents.splitlines()[0][:200] if record.parents else "",
            "asked_for": _ASK_FOR,
        },
        record=record,
    )


@child_record("part-time arrangement: ask for the register information", child_of(PartTimeArrangement))
def arrangement_request_new(request: HttpRequest, pk: int) -> HttpResponse:
    user, arrangement = _arrangement(request, pk)
    if not can_ask_about_arrangement(user):
        raise PermissionDenied("Only the Elective Home Education team asks for the register information.")
    return _ask(
        request,
        user,
        f"{arrangement.reference}: {arrangement.child.full_name}",
        {"recipient": "provider", "addressed_to": arrangement.provider, "asked_for": _ASK_FOR},
        arrangement=arrangement,
    )


def _requests_user(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not is_ehe_staff(user):
        raise PermissionDenied("Only the Elective Home Education team sees requests for information.")
    return user


@child_record("request for the register information: answer", child_of(InformationRequest))
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = _requests_user(request)
    asked = requests_visible_to(user).select_related("child", "record__case").filter(pk=pk).first()
    if asked is None:
        raise Http404("No such request")
    if not can_answer_request(user, asked):
        raise PermissionDenied("You cannot record the answer to this request.")
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            notinschool.information_answer(
                actor=user,
                request=asked,
                answered_on=form.cleaned_data["answered_on"],
                answer=form.cleaned_data["answer"],
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"The answer to {asked.reference} is recorded.")
            return redirect("homeeducation:requests")
    return _request_page(
        request,
        f"{asked.reference} to {asked.addressed_to}: {asked.child.full_name}",
        form,
        "Record the answer",
    )


def request_list(request: HttpRequest) -> HttpResponse:
    user = _requests_user(request)
    today = clock.today()
    form = RequestFilterForm(request.GET or None)
    state = form.cleaned_data.get("state", "") if form.is_valid() else ""
    rows = requests_visible_to(user).select_related("child", "record__case", "arrangement")
    if state == "answered":
        rows = rows.filter(answered_on__isnull=False).order_by("-answered_on", "-pk")
    elif state == "overdue":
        rows = rows.filter(answered_on__isnull=True, due_on__lt=today).order_by("due_on", "pk")
    else:
        rows = rows.filter(answered_on__isnull=True).order_by("due_on", "pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    record_views(
        user=user,
        children=[r.child_id for r in page],
        what="requests for the register information",
        path=request.path,
    )
    t = notinschool.information_timescales()
    return render(
        request,
        "homeeducation/request_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(r, request_state(r.due_on, r.answered_on, today, t)) for r in page],
        },
    )
