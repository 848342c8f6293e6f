"""The possible-duplicates queue, "not the same child", merging two records and undoing a merge.

Administrators and team managers only (``casework.access.can_review_duplicates``); a manager sees
the pairs with a child they may see and decides only about pairs whose two records they may both
see. Every change goes through rollcall/casework/merging.py; a refusal is shown in the form's
error summary and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.audit.services import child_of, child_record, log_shown
from rollcall.casework import merging
from rollcall.casework.access import (
    can_review_duplicates,
    children_visible_to,
    duplicates_visible_to,
    get_duplicate_for_user,
    get_merge_for_user,
)
from rollcall.casework.forms import DismissDuplicateForm, MergeForm, UndoMergeForm
from rollcall.casework.merging import MergeRefused
from rollcall.casework.models import ChildMerge
from rollcall.formats import long_date
from rollcall.people.models import Child, PossibleDuplicate
from rollcall.schools.models import RollEntry

PAIRS_PER_PAGE = 50


def _queue_url() -> str:
    return reverse("children:duplicates")


@require_GET
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    """Open possible duplicates with why each pair was found: a fixed number of queries per page."""
    user = signed_in_user(request)
    if not can_review_duplicates(user):
        raise PermissionDenied("Only administrators and team managers review possible duplicates.")
    pairs = duplicates_visible_to(user).select_related("child", "other").order_by("found_at", "pk")
    page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    ids = {pk for pair in page for pk in (pair.child_id, pair.other_id)}
    visible = set(children_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    log_shown(request, sorted(visible), "possible duplicates")
    rows = [
        {
            "pair": pair,
            "child": pair.child if pair.child_id in visible else None,
            "other": pair.other if pair.other_id in visible else None,
            "resolvable": pair.child_id in visible and pair.other_id in visible,
        }
        for pair in page
    ]
    return render(
        request,
        "children/duplicates.html",
        {"page_title": "Possible duplicate records", "page_obj": page, "rows": rows},
    )


def _records(*children: Child) -> list[dict[str, Any]]:
    """What an officer compares: details, current school and how much each record holds."""
    ids = [c.pk for c in children]
    current_school = RollEntry.objects.filter(child=OuterRef("pk"), on_roll_to__isnull=True).order_by(
        "-on_roll_from"
    )
    annotated = {
        c.pk: c
        for c in Child.objects.filter(pk__in=ids).annotate(
            current_school=Subquery(current_school.values("school__name")[:1]),
            open_cases=Count("cases", filter=Q(cases__closed_at__isnull=True), distinct=True),
            all_cases=Count("cases", distinct=True),
            rolls=Count("roll_entries", distinct=True),
        )
    }
    return [{"child": annotated[pk]} for pk in ids]


@require_http_methods(["GET", "POST"])
@child_record("possible duplicate", child_of(PossibleDuplicate, "child_id", "other_id"))
def duplicate_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Both records side by side, with "not the same child" (a reason) and the way to merge."""
    user = signed_in_user(request)
    pair = get_duplicate_for_user(user, pk)
    form = DismissDuplicateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            merging.duplicate_dismiss(pair=pair, actor=user, reason=form.cleaned_data["reason"])
        except MergeRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "Recorded: these are not the same child. The pair will not be offered again."
            )
            return redirect(_queue_url())
    return render(
        request,
        "children/duplicate_review.html",
        {
            "page_title": f"{'Error: ' if form.errors else ''}Review a possible duplicate",
            "pair": pair,
            "records": _records(pair.child, pair.other),
            "undo_days": settings.CHILD_MERGE_UNDO_DAYS,
            "form": form,
        },
    )


def _choice_label(child: Child) -> str:
    return f"{child.full_name}, born {long_date(child.date_of_birth)} (record {child.pk})"


@require_http_methods(["GET", "POST"])
@child_record("merge records", child_of(PossibleDuplicate, "child_id", "other_id"))
def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a merge: which record is kept, why, and what will move."""
    user = signed_in_user(request)
    pair: PossibleDuplicate = get_duplicate_for_user(user, pk)
    children = {pair.child_id: pair.child, pair.other_id: pair.other}
    # The older record is offered first: it usually holds the longer history.
    ordered = sorted(children.values(), key=lambda c: c.pk)
    choices = [(c.pk, _choice_label(c)) for c in ordered]
    form = MergeForm(request.POST or None, choices=choices, initial={"keep": ordered[0].pk})
    if request.method == "POST" and form.is_valid():
        survivor = children[form.cleaned_data["keep"]]
        absorbed = next(c for c in ordered if c.pk != survivor.pk)
        try:
            merge = merging.children_merge(
                survivor=survivor, absorbed=absorbed, actor=user, reason=form.cleaned_data["reason"]
            )
        except MergeRefused as error:
            form.add_error(None, str(error))
        else:
            until = long_date(clock.local_date(merging.undo_until(merge)))
            messages.success(request, f"Records merged. You can undo the merge until {until}.")
            return redirect("children:child", survivor.pk)
    plans = [
        {
            "survivor": survivor,
            "absorbed": next(c for c in ordered if c.pk != survivor.pk),
            "plan": merging.merge_plan(
                survivor=survivor, absorbed=next(c for c in ordered if c.pk != survivor.pk)
            ),
        }
        for survivor in ordered
    ]
    return render(
        request,
        "children/duplicate_merge.html",
        {
            "page_title": f"{'Error: ' if form.errors else ''}Merge two records",
            "pair": pair,
            "plans": plans,
            "form": form,
            "cancel_url": reverse("children:duplicate", args=[pair.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
@child_record("undo a merge", child_of(ChildMerge, "survivor_id", "absorbed_id"))
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a merge within the undo window: everything that moved goes back."""
    user = signed_in_user(request)
    merge = get_merge_for_user(user, pk)
    form = UndoMergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            merging.children_merge_undo(merge=merge, actor=user, reason=form.cleaned_data["reason"])
        except MergeRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Merge undone: record {merge.absorbed_id} is a separate record again.")
            return redirect("children:child", merge.survivor_id)
    return render(
        request,
        "children/merge_undo.html",
        {
            "page_title": f"{'Error: ' if form.errors else ''}Undo a merge",
            "merge": merge,
            "until": long_date(clock.local_date(merging.undo_until(merge))),
            "undoable": merging.merge_undoable(merge),
            "form": form,
            "cancel_url": reverse("children:child", args=[merge.survivor_id]),
        },
    )
