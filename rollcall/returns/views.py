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
from rollcall.casework.services import CaseworkError
from rollcall.formats import long_date
from rollcall.returns.forms import NewPupilForm, RemovalForm
from rollcall.returns.new_pupils import new_pupil_notify
from rollcall.returns.removals import removal_notify
from rollcall.schools.models import RemovalNotice, School


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
                notice, _created = removal_notify(
                    school=school,
                    actor=user,
                    pupil=pupil,
                    removal=removal,
                    idempotency_key=form.idempotency_key(),
                )
            except CaseworkError as refused:
                form.add_error(None, str(refused))
            else:
                return redirect("returns:removal-done", pk=notice.pk)
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
                child = result.entry.child
                joined = result.entry.on_roll_from
                text = f"{child.full_name} is on your roll from {long_date(joined)}."
                if result.closed_cases:
                    text += " The council's child missing education case for this pupil has closed."
                messages.success(request, text)
                return redirect("schools:portal")
    else:
        form = NewPupilForm()
    return render(
        request,
        "returns/new_pupil_form.html",
        {"page_title": "Tell the council about a new pupil", "form": form, "school": school},
    )


def removal_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation: what the council will do. Only the school that sent the notice sees it."""
    user = signed_in_user(request)
    school = user.school
    if school is None:
        raise Http404("No such notice")
    notice = (
        RemovalNotice.objects.filter(pk=pk, school=school)
        .select_related("child", "destination_school")
        .first()
    )
    if notice is None:
        raise Http404("No such notice")
    return render(request, "returns/removal_done.html", {"page_title": "Notice received", "notice": notice})
