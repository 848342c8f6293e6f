"""Claims to confirm: the owning team's queue, one claim beside the record, and the administrators' watch list.

Officers see the details the school sent beside the record they point to, so they can compare;
the view of the child's record is logged like any other. A school never reaches these pages.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.audit.services import child_of, child_record, record_view
from rollcall.casework.services import CaseworkError
from rollcall.returns.access import can_check_returns, can_decide_claim, can_watch_returns, claims_visible_to
from rollcall.returns.claims import bursts, claim_confirm, claim_refuse
from rollcall.returns.forms import ClaimDecisionForm
from rollcall.returns.models import SchoolReturn
from rollcall.schools.models import RollEntry

PER_PAGE = 50
WATCH_DAYS = 30


def claim_list(request: HttpRequest) -> HttpResponse:
    """The claims the user's teams must confirm or refuse, oldest due first."""
    user = signed_in_user(request)
    if not can_check_returns(user):
        raise PermissionDenied("Only the teams that check returns see this list.")
    claims = claims_visible_to(user).select_related("school", "team").order_by("confirm_by", "pk")
    return render(
        request,
        "returns/claim_list.html",
        {
            "page_title": "Returns to check",
            "page_obj": Paginator(claims, PER_PAGE).get_page(request.GET.get("page")),
            "today": clock.today(),
        },
    )


@child_record("Return to check", child_of(SchoolReturn), shown=False)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One claim: what the school sent beside the record, and the decision."""
    user = signed_in_user(request)
    claim = SchoolReturn.objects.select_related("school", "child", "team", "decided_by").filter(pk=pk).first()
    if claim is None or claim.child is None or not can_decide_claim(user, claim):
        raise Http404("No such return")
    child = claim.child
    form = ClaimDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and claim.is_waiting and form.is_valid():
        decide = claim_confirm if form.cleaned_data["decision"] == ClaimDecisionForm.CONFIRM else claim_refuse
        try:
            claim = decide(claim=claim, actor=user, note=form.cleaned_data["note"])
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{claim.reference}: {claim.get_status_display().lower()}.")
            return redirect("returns:claims")
    record_view(user=user, child=child, what="Return to check", path=request.get_full_path())
    current = RollEntry.objects.filter(child=child, on_roll_to__isnull=True).select_related("school").first()
    return render(
        request,
        "returns/claim_detail.html",
        {
            "page_title": f"Check return {claim.reference}",
            "claim": claim,
            "sent": claim.sent.get("pupil", {}),
            "child": child,
            "current_school": current.school if current else None,
            "form": form,
        },
    )


def returns_watch(request: HttpRequest) -> HttpResponse:
    """For administrators: schools that sent many returns in a day, and every refused claim."""
    user = signed_in_user(request)
    if not can_watch_returns(user):
        raise PermissionDenied("Only administrators and heads of service watch returns.")
    since = clock.today() - dt.timedelta(days=WATCH_DAYS)
    refused = (
        SchoolReturn.objects.filter(status=SchoolReturn.Status.REFUSED, decided_at__date__gte=since)
        .select_related("school", "decided_by")
        .order_by("-decided_at", "-pk")
    )
    return render(
        request,
        "returns/watch.html",
        {
            "page_title": "Returns to watch",
            "threshold": settings.RETURNS_BURST_PER_DAY,
            "days": WATCH_DAYS,
            "bursts": bursts(on_or_after=since, more_than=settings.RETURNS_BURST_PER_DAY),
            "refused": list(refused[:PER_PAGE]),
        },
    )
