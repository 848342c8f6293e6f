"""The returns a school sends through its portal: a pupil has left (the deletion return) or joined.

Both forms are for school users alone, and act for the user's own school.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.audit.services import child_of, child_record
from rollcall.casework.services import CaseworkError
from rollcall.formats import long_date
from rollcall.returns.attendance_returns import AbsenceFacts, attendance_return_receive
from rollcall.returns.claims import RECEIVED_MESSAGE
from rollcall.returns.forms import AttendanceReturnForm, NewPupilForm, RemovalForm
from rollcall.returns.models import SchoolReturn
from rollcall.returns.new_pupils import new_pupil_notify
from rollcall.returns.removals import removal_notify
from rollcall.schools.models import School


def _school_of(user: User) -> School:
    """The school a school user acts for; everybody else is refused (403)."""
    school = user.school
    if school is None:
        raise PermissionDenied("Only school users can tell the council a pupil has left their roll.")
    return school


def removal_new(request: HttpRequest) -> HttpResponse:
    """Tell the council a pupil has left the roll (the deletion return, reg. 13(4))."""
    user = signed_in_user(request)
    school = _school_of(user)
    if request.method == "POST":
        form = RemovalForm(request.POST, school=school)
        if form.is_valid():
            pupil, removal = form.pupil_and_removal()
            try:
                received = removal_notify(
                    school=school,
                    actor=user,
                    pupil=pupil,
                    removal=removal,
                    idempotency_key=form.idempotency_key(),
                )
            except CaseworkError as refused:
                form.add_error(None, str(refused))
            else:
                return redirect("returns:removal-done", pk=received.school_return.pk)
    else:
        form = RemovalForm(school=school)
    return render(
        request,
        "returns/removal_form.html",
        {
            "page_title": "Tell the council a pupil has left your roll",
            "form": form,
            "school": school,
            # A form posted without a usable id gets a new one, so sending it again works.
            "fresh_form_id": uuid.uuid4(),
        },
    )


def new_pupil(request: HttpRequest) -> HttpResponse:
    """Tell the council a pupil has joined the roll (the new pupil return, reg. 13(1))."""
    user = signed_in_user(request)
    school = _school_of(user)
    if request.method == "POST":
        form = NewPupilForm(request.POST)
        if form.is_valid():
            try:
                result = new_pupil_notify(
                    school=school,
                    actor=user,
                    pupil=form.typed_pupil(),
                    entered_on=form.cleaned_data["entered_on"],
                )
            except (CaseworkError, ValidationError) as refused:
                form.add_error(
                    None, refused.messages[0] if isinstance(refused, ValidationError) else str(refused)
                )
            else:
                # Only what the school typed is said back: never what the council holds.
                pupil = form.typed_pupil()
                name = f"{pupil.forename} {pupil.surname}"
                if result.entry is None:
                    text = f"Return received for {name}. {RECEIVED_MESSAGE}"
                else:
                    text = f"{name} is on your roll from {long_date(result.entry.on_roll_from)}."
                messages.success(request, text)
                return redirect("schools:portal")
    else:
        form = NewPupilForm()
    return render(
        request,
        "returns/new_pupil_form.html",
        {"page_title": "Tell the council about a new pupil", "form": form, "school": school},
    )


def attendance_return(request: HttpRequest) -> HttpResponse:
    """Tell the council a pupil has been absent 10 continuous school days without a reason."""
    user = signed_in_user(request)
    school = _school_of(user)
    if request.method == "POST":
        form = AttendanceReturnForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                received = attendance_return_receive(
                    school=school,
                    actor=user,
                    pupil=form.typed_pupil(),
                    facts=AbsenceFacts(
                        first_day_absent=data["first_day_absent"],
                        school_days_absent=data["school_days_absent"],
                        details=data["details"].strip(),
                    ),
                )
            except (CaseworkError, ValidationError) as refused:
                form.add_error(
                    None, refused.messages[0] if isinstance(refused, ValidationError) else str(refused)
                )
            else:
                # Only what the school typed is said back: never what the council holds.
                pupil = form.typed_pupil()
                name = f"{pupil.forename} {pupil.surname}"
                reference = received.school_return.reference
                if received.held:
                    text = f"Attendance return {reference} received for {name}. {RECEIVED_MESSAGE}"
                else:
                    text = f"Attendance return {reference} received for {name}."
                messages.success(request, text)
                return redirect("returns:owed")
    else:
        form = AttendanceReturnForm()
    return render(
        request,
        "returns/attendance_return_form.html",
        {
            "page_title": "Tell the council about a pupil absent 10 school days without a reason",
            "form": form,
            "school": school,
        },
    )


@child_record("removal notice sent", child_of(SchoolReturn))
def removal_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation: what the council will do. Only the school that sent the notice sees it.

    The pupil is named as the school sent them; a notice that waits for the council's check says
    only that it was received.
    """
    user = signed_in_user(request)
    school = user.school
    if school is None:
        raise Http404("No such notice")
    sent = (
        SchoolReturn.objects.filter(pk=pk, school=school, kind=SchoolReturn.Kind.REMOVAL)
        .select_related("removal_notice__destination_school")
        .first()
    )
    if sent is None:
        raise Http404("No such notice")
    return render(
        request,
        "returns/removal_done.html",
        {
            "page_title": "Notice received",
            "school_return": sent,
            "pupil": sent.sent["pupil"],
            "notice": sent.removal_notice,
            "received_message": RECEIVED_MESSAGE,
        },
    )
