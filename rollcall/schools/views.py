"""The school portal, the council's list of schools, and the school's removal notice.

A school user sees only their own school: its current roll and the notices it sent. Council
staff see the schools register. The removal form is for school users alone.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.casework.new_pupils import new_pupil_notify
from rollcall.casework.removals import removal_notify
from rollcall.casework.services import CaseworkError
from rollcall.formats import long_date
from rollcall.schools.forms import NewPupilForm, RemovalForm, SchoolSearchForm
from rollcall.schools.models import RemovalNotice, RollEntry, School

PER_PAGE = 50


def _school_of(user: User) -> School:
    """The school a school user acts for; everybody else is refused (403)."""
    school = user.school
    if school is None:
        raise PermissionDenied("Only school users can tell the council a pupil has left their roll.")
    return school


def portal(request: HttpRequest) -> HttpResponse:
    """A school user's own school; for council staff, the schools register."""
    user = signed_in_user(request)
    search = SchoolSearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    school = user.school
    if school is None:
        search.fields["q"].label = "Search by school name, URN or town"
        return _school_list(request, query, search)
    search.fields["q"].label = "Search your pupils by name or UPN"

    pupils = RollEntry.objects.filter(school=school, on_roll_to__isnull=True).select_related("child")
    if query:
        words = query.split()
        match = Q(child__upn=query.replace(" ", "").upper())
        name = Q()
        for word in words:
            name &= (
                Q(child__legal_forename__icontains=word)
                | Q(child__legal_surname__icontains=word)
                | Q(child__preferred_name__icontains=word)
            )
        pupils = pupils.filter(match | name)
    pupils = pupils.order_by("child__legal_surname", "child__legal_forename", "child__pk")
    notices = (
        RemovalNotice.objects.filter(school=school)
        .select_related("child")
        .order_by("-received_at", "-pk")[:PER_PAGE]
    )
    return render(
        request,
        "schools/portal.html",
        {
            "page_title": school.name,
            "school": school,
            "search": search,
            "query": query,
            "page_obj": Paginator(pupils, PER_PAGE).get_page(request.GET.get("page")),
            "notices": list(notices),
        },
    )


def _school_list(request: HttpRequest, query: str, search: SchoolSearchForm) -> HttpResponse:
    schools = School.objects.all()
    if query:
        schools = schools.filter(Q(name__icontains=query) | Q(urn=query) | Q(town__icontains=query))
    schools = schools.order_by("name", "urn")
    return render(
        request,
        "schools/school_list.html",
        {
            "page_title": "Schools",
            "search": search,
            "query": query,
            "page_obj": Paginator(schools, PER_PAGE).get_page(request.GET.get("page")),
        },
    )


def school_detail(request: HttpRequest, urn: str) -> HttpResponse:
    """One school's details and counts. A school user may see only their own school."""
    user = signed_in_user(request)
    school = School.objects.filter(urn=urn).first()
    if school is None or (user.school is not None and user.school.pk != school.pk):
        raise Http404("No such school")
    counts = RollEntry.objects.filter(school=school).aggregate(
        on_roll=Count("pk", filter=Q(on_roll_to__isnull=True)),
        left=Count("pk", filter=Q(on_roll_to__isnull=False)),
    )
    notices = RemovalNotice.objects.filter(school=school).aggregate(
        total=Count("pk"),
        cme=Count("pk", filter=Q(opens_cme_case=True)),
        unlawful=Count("pk", filter=Q(possibly_unlawful=True)),
    )
    return render(
        request,
        "schools/school.html",
        {"page_title": school.name, "school": school, "counts": counts, "notices": notices},
    )


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
                return redirect("schools:removal-done", pk=notice.pk)
    else:
        form = RemovalForm(school=school)
    return render(
        request,
        "schools/removal_form.html",
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
        "schools/new_pupil_form.html",
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
    return render(request, "schools/removal_done.html", {"page_title": "Notice received", "notice": notice})
