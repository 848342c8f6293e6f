"""Break the glass (docs/adr/0008-break-the-glass.md): the reason form an officer outside a
child's teams fills in to open the record for a limited time, and the report of every such access
(administrators see all; a team manager those about children their teams have a case about)."""

from __future__ import annotations

import csv

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.casework.access import (
    break_glass_child,
    break_glass_visible_to,
    can_break_glass,
    can_review_break_glass,
    children_visible_to,
)
from rollcall.casework.break_glass import break_glass_open
from rollcall.casework.forms import BreakGlassForm
from rollcall.casework.models import BreakGlass
from rollcall.formats import spreadsheet_cell

PER_PAGE = 50
CSV_HEADERS = ("Access", "When", "Who", "Username", "Child id", "Reason", "Until")


@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask why, then open the record for BREAK_GLASS_MINUTES. Offered for any child number to an
    officer or manager (so the question itself does not say whether the child exists)."""
    user = signed_in_user(request)
    if children_visible_to(user).filter(pk=pk).exists():
        return redirect("children:child", pk)
    if not can_break_glass(user):
        raise Http404("No such child")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        child = break_glass_child(user, pk)
        if child is None:
            raise Http404("No such child")
        break_glass_open(user=user, child=child, reason=form.cleaned_data["reason"])
        return redirect("children:child", pk)
    return render(
        request,
        "children/break_glass.html",
        {
            "page_title": "This record belongs to another team",
            "form": form,
            "minutes": settings.BREAK_GLASS_MINUTES,
            "cancel_url": "/children/",
        },
    )


def _accesses(request: HttpRequest) -> QuerySet[BreakGlass]:
    user = signed_in_user(request)
    if not can_review_break_glass(user):
        raise PermissionDenied("Only administrators and team managers review break-the-glass accesses.")
    return break_glass_visible_to(user).select_related("user").order_by("-granted_at", "-pk")


@require_GET
def break_glass_report(request: HttpRequest) -> HttpResponse:
    """Every break-the-glass access this person reviews: who, which child (by id), when, why."""
    accesses = _accesses(request)
    page = Paginator(accesses, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "children/break_glass_report.html",
        {"page_title": "Break-the-glass accesses", "page_obj": page, "now": clock.now()},
    )


@require_GET
def break_glass_csv(request: HttpRequest) -> HttpResponse:
    """The same accesses as the report, as CSV."""
    accesses = _accesses(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="break-the-glass.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADERS)
    for access in accesses.iterator(chunk_size=1000):
        writer.writerow(
            [
                access.pk,
                access.granted_at.astimezone(clock.LONDON).isoformat(timespec="minutes"),
                spreadsheet_cell(access.user.get_full_name() or access.user.username),
                spreadsheet_cell(access.user.username),
                access.child_id,
                spreadsheet_cell(access.reason),
                access.expires_at.astimezone(clock.LONDON).isoformat(timespec="minutes"),
            ]
        )
    return response
