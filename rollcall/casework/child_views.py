"""Finding a child and reading their record: what each person may see is decided by casework.access.

A school user sees what their school sent and the child's time on its roll only
(casework/school_view.py): never addresses or carers it did not supply, cases, flags, the
timeline or another school's entries (docs/access.md).
Council staff see the cases their teams may see, the timeline of those cases and the events that
belong to no case. Every view of a record is written to the access log.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string

from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.audit.services import BREAK_GLASS, child_record, log_refused, log_shown, record_view, the_child
from rollcall.casework.access import (
    break_glass_active,
    can_break_glass,
    cases_visible_to,
    children_visible_to,
    get_child_for_user,
    merged_child_redirect,
)
from rollcall.casework.events import event_text
from rollcall.casework.merging import merges_to_undo
from rollcall.casework.models import BreakGlass, Case, Event, Flag
from rollcall.casework.school_view import children_as_school_sees, school_view
from rollcall.people.forms import ChildSearchForm
from rollcall.people.models import Child, PossibleDuplicate
from rollcall.schools.models import RollEntry

RESULTS_PER_PAGE = 50
EVENTS_PER_PAGE = 50


def search(request: HttpRequest) -> HttpResponse:
    """Search the children this user may see by UPN, or by last name and date of birth."""
    user = signed_in_user(request)
    searched = any(request.GET.get(name) for name in ("upn", "surname", "date_of_birth_0", "date_of_birth_2"))
    form = ChildSearchForm(request.GET if searched else None)
    page = None
    results: list[Child] = []
    if searched and form.is_valid():
        children = children_visible_to(user)
        if form.cleaned_data["upn"]:
            children = children.filter(upn=form.cleaned_data["upn"])
        else:
            children = children.filter(legal_surname__iexact=form.cleaned_data["surname"])
            if form.cleaned_data["date_of_birth"]:
                children = children.filter(date_of_birth=form.cleaned_data["date_of_birth"])
        current = RollEntry.objects.filter(child=OuterRef("pk"), on_roll_to__isnull=True)
        if user.school is not None:
            # A school user is told only whether the child is on their own roll.
            current = current.filter(school=user.school)
        children = children.annotate(
            current_school=Subquery(current.order_by("-on_roll_from").values("school__name")[:1])
        ).order_by("legal_surname", "legal_forename", "date_of_birth", "pk")
        page = Paginator(children, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        results = list(page)
        log_shown(request, [child.pk for child in results], "child search")
        if user.school is not None:
            # A former school is shown its former pupils as they were when they left (school_view).
            results = children_as_school_sees(user.school, results, keep=("current_school",))
    return render(
        request,
        "children/search.html",
        {
            "page_title": "Find a child",
            "form": form,
            "page_obj": page,
            "results": results,
            "is_school_user": user.is_school_user,
        },
    )


@child_record("Child record", the_child, shown=False)
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One child's record, cut to what this user may see; the view is logged."""
    user = signed_in_user(request)
    try:
        child = get_child_for_user(user, pk)
    except Http404:
        # A record merged into another: old links and bookmarks lead to the survivor (asked only
        # after the usual look-up fails, so an ordinary page costs no extra query).
        survivor_id = merged_child_redirect(user, pk)
        if survivor_id is not None:
            return redirect("children:child", survivor_id)
        if not can_break_glass(user):
            raise
        # An officer outside the child's teams: open under a break-the-glass access still running,
        # or be asked for a reason (for any number, so the question does not say whether the
        # child exists). Either way the attempt is logged (ADR 0008).
        access = break_glass_active(user, pk)
        if access is None:
            log_refused(request, pk, "Child record")
            return redirect("children:break-glass", pk)
        child = access.child
        record_view(
            user=user,
            child=child,
            what="Child record",
            path=request.get_full_path(),
            outcome=BREAK_GLASS,
            reason=access.reason,
        )
        return _council_page(request, user, child, broken_glass=access)
    record_view(user=user, child=child, what="Child record", path=request.get_full_path())

    school = user.school
    if school is not None:
        # A school sees one thing of a child, the same on this page, in the API and in downloads.
        seen = school_view(school, child)
        return render(
            request,
            "children/child.html",
            {
                "page_title": seen.full_name,
                "child": seen,
                "addresses": seen.addresses,
                "carers": seen.carers,
                "roll_entries": seen.roll_entries,
                "school": school,
                "is_school_user": True,
            },
        )

    return _council_page(request, user, child)


def _council_page(
    request: HttpRequest, user: User, child: Child, broken_glass: BreakGlass | None = None
) -> HttpResponse:
    """The council's view of a child. Under a break-the-glass access the cases are listed (so the
    officer knows which team to call) but not their flags' details or their timeline."""
    addresses = list(
        child.addresses.order_by(F("moved_out").desc(nulls_first=True), F("moved_in").desc(nulls_last=True))
    )
    carers = list(child.carers.order_by("name", "pk"))
    roll = RollEntry.objects.filter(child=child).select_related("school", "destination_school")
    context: dict[str, Any] = {
        "page_title": child.full_name,
        "child": child,
        "addresses": addresses,
        "carers": carers,
        "is_school_user": False,
        "roll_entries": list(roll.order_by("-on_roll_from")),
    }
    listed = Case.objects.all() if broken_glass is not None else cases_visible_to(user)
    cases = list(listed.filter(child=child).select_related("owner", "team").order_by("-opened_at", "-pk"))
    case_ids = {case.pk for case in cases} if broken_glass is None else set()
    flags = [
        {"flag": flag, "show_details": flag.case_id is None or flag.case_id in case_ids}
        for flag in Flag.objects.filter(child=child, cleared_at__isnull=True).order_by("-raised_at")
    ]
    context.update(cases=cases, flags=flags, duplicates=_duplicates(user, child))
    context["merges"] = merges_to_undo(user, child)
    context["broken_glass"] = broken_glass
    # Sections other areas add (settings.CHILD_PANELS): council staff only, and not under a
    # break-the-glass access, which shows the child's details and who to call, nothing more.
    context["child_panels"] = (
        [import_string(path)(request, child) for path in settings.CHILD_PANELS]
        if broken_glass is None
        else []
    )

    events = (
        Event.objects.filter(child=child)
        .filter(Q(case__isnull=True) | Q(case_id__in=case_ids))
        .select_related("team", "actor")
        .order_by("-at", "-pk")
    )
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context["page_obj"] = page
    context["timeline"] = [{"event": event, "text": event_text(event)} for event in page]
    return render(request, "children/child.html", context)


def _duplicates(user: User, child: Child) -> list[dict[str, Any]]:
    """Open possible duplicates of this child: the other record is named only if the user may see it."""
    rows = list(
        PossibleDuplicate.objects.filter(
            Q(child=child) | Q(other=child), status=PossibleDuplicate.Status.OPEN
        )
        .select_related("child", "other")
        .order_by("found_at", "pk")
    )
    others = [row.other if row.child_id == child.pk else row.child for row in rows]
    visible = set(
        children_visible_to(user).filter(pk__in=[other.pk for other in others]).values_list("pk", flat=True)
    )
    return [
        {"row": row, "other": other if other.pk in visible else None}
        for row, other in zip(rows, others, strict=True)
    ]
