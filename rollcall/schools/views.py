"""The school portal and the council's list of schools.

A school user sees only their own school: its current roll and the notices it sent. Council
staff see the schools register. The returns a school sends are in rollcall/returns/.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from rollcall.access_log import children_shown
from rollcall.accounts.access import signed_in_user
from rollcall.schools.forms import SchoolSearchForm
from rollcall.schools.models import RemovalNotice, RollEntry, School

PER_PAGE = 50


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
    page = Paginator(pupils, PER_PAGE).get_page(request.GET.get("page"))
    notices_shown = list(notices)
    children_shown(
        request,
        [entry.child_id for entry in page.object_list] + [n.child_id for n in notices_shown if n.child_id],
        "school's pupils",
    )
    return render(
        request,
        "schools/portal.html",
        {
            "page_title": school.name,
            "school": school,
            "search": search,
            "query": query,
            "page_obj": page,
            "notices": notices_shown,
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
