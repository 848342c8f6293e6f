"""The REST API for council systems: cases and children.

Every view starts from the same access rules as the pages (``cases_visible_to``,
``get_case_for_user``, ``get_child_for_user``), so the API can neither show nor change more than the
screens. The returns a school system sends are in ``rollcall/returns/api.py``, attendance imports in
``rollcall/attendance/api.py``, admissions answers in ``rollcall/admissions/api.py``; every route is
under /api/v1/ (``rollcall/api/urls.py``) and built on ``rollcall.api_base.ApiView``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.api.serializers import (
    CaseDetailSerializer,
    CaseFilterSerializer,
    CaseSerializer,
    CouncilChildSerializer,
    SchoolChildSerializer,
)
from rollcall.api_base import ERROR, ApiView, etag
from rollcall.audit.services import LogsChildrenShown, record_view
from rollcall.casework.access import (
    cases_visible_to,
    get_case_for_user,
    get_child_for_user,
    merged_child_redirect,
)
from rollcall.casework.models import Case, Enquiry, Task
from rollcall.casework.school_view import school_view
from rollcall.people.models import Address, Carer
from rollcall.schools.models import RollEntry

# ---- new pupils ---------------------------------------------------------------------------------


# ---- cases ------------------------------------------------------------------------------------


@extend_schema(
    summary="List cases",
    description=(
        "The cases you may see (your teams' cases; every case for heads of service and "
        "administrators; none for school users)."
    ),
    parameters=[CaseFilterSerializer],
    responses={
        200: CaseSerializer(many=True),
        400: OpenApiResponse(description="A filter has a value it cannot take, keyed by parameter."),
    },
)
class CaseList(LogsChildrenShown, ApiView, generics.ListAPIView[Case]):
    """The cases the user may see, filtered by the query string."""

    api_scopes = {"GET": ("cases:read",)}

    serializer_class = CaseSerializer
    shown_what = "API cases"

    def get_queryset(self) -> QuerySet[Case]:
        user = signed_in_user(self.request)
        filters = CaseFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        wanted: dict[str, Any] = dict(filters.validated_data)
        cases = cases_visible_to(user).select_related("child", "team", "owner")
        if wanted.get("status"):
            cases = cases.filter(status=wanted["status"])
        if wanted.get("kind"):
            cases = cases.filter(kind=wanted["kind"])
        if wanted.get("owner") == "me":
            cases = cases.filter(owner=user)
        overdue = Q(closed_at__isnull=True, next_action_due__lt=clock.today())
        if wanted.get("overdue") is True:
            cases = cases.filter(overdue)
        elif wanted.get("overdue") is False:
            cases = cases.exclude(overdue)
        return cases.order_by("next_action_due", "pk")


@extend_schema(
    summary="Read a case",
    description="404 for a case that does not exist or that you may not see.",
    responses={200: CaseDetailSerializer, 404: OpenApiResponse(ERROR, description="No such case.")},
)
class CaseDetail(ApiView, generics.RetrieveAPIView[Case]):
    """One case with its tasks and enquiries. Case notes are not in the API in this version."""

    api_scopes = {"GET": ("cases:read",)}

    serializer_class = CaseDetailSerializer

    def get_object(self) -> Case:
        case = get_case_for_user(signed_in_user(self.request), int(self.kwargs["pk"]))
        tasks = Task.objects.filter(case=case).select_related("assignee")
        enquiries = Enquiry.objects.filter(case=case).select_related("recorded_by")
        # The serializer reads case.tasks.all() and case.enquiries.all(); fill them from one query each.
        case._prefetched_objects_cache = {"tasks": tasks, "enquiries": enquiries}  # type: ignore[attr-defined]
        return case

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        response = Response(self.get_serializer(case).data)
        # The version as an ETag, for If-Match on any update of the case (issue 11).
        response["ETag"] = etag(case.version)
        return response


# ---- children ---------------------------------------------------------------------------------


class ChildDetail(ApiView):
    """One child the user may see. Every read is logged (UK GDPR: who viewed which child)."""

    api_scopes = {"GET": ("cases:read",)}

    serializer_class = CouncilChildSerializer

    @extend_schema(
        summary="Read a child",
        description=(
            "404 for a child who does not exist or whom you may not see. A school user sees what "
            "the school itself sent (names, date of birth, UPN, and only the addresses and carers "
            "it supplied) and the child's time on its own roll, as on the child page; a former "
            "school sees that as it stood when the child left (on_roll false). Council staff see "
            "the current address, carers, every roll and the cases they may see. Each read is "
            "recorded in the access log."
        ),
        responses={
            200: PolymorphicProxySerializer(
                component_name="ChildRecord",
                serializers=[CouncilChildSerializer, SchoolChildSerializer],
                resource_type_field_name=None,
            ),
            307: OpenApiResponse(
                description="This record was merged into another child's record: Location is that record."
            ),
            404: OpenApiResponse(ERROR, description="No such child."),
        },
    )
    def get(self, request: Request, pk: int) -> Response | HttpResponseRedirect:
        user = signed_in_user(request)
        try:
            child = get_child_for_user(user, int(pk))
        except Http404:
            survivor_id = merged_child_redirect(user, int(pk))
            if survivor_id is None:
                raise
            # 307, not 301: a merge can be undone within its undo window.
            moved = HttpResponseRedirect(reverse("api:child", args=[survivor_id]))
            moved.status_code = 307
            return moved
        school = user.school
        if school is not None:
            # The same view of the child as the school's child page (casework/school_view.py).
            data = SchoolChildSerializer(school_view(school, child)).data
        else:
            rolls = RollEntry.objects.filter(child=child).select_related("school", "destination_school")
            context = {
                "roll_entries": rolls,
                "address": Address.objects.filter(child=child, moved_out__isnull=True).first(),
                "carers": Carer.objects.filter(child=child).order_by("pk"),
                "cases": cases_visible_to(user).filter(child=child).order_by("-opened_at", "-pk"),
            }
            data = CouncilChildSerializer(child, context=context).data
        record_view(user=user, child=child, what="api child", path=request.path)
        return Response(data)
