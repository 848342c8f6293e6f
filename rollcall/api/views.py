"""The REST API: removal notices from school systems, cases and children for council systems.

Every view starts from the same access policies as the pages (``cases_visible_to``,
``get_case_for_user``, ``get_child_for_user``, ``removal_notices_visible_to``) and every write goes
through a service, so the API can neither show nor change more than the screens.

Sign-in: the site's ``LoginRequiredMiddleware`` would redirect an API client to the sign-in page,
because it runs before DRF and cannot see an ``Authorization: Token …`` header. API views are
therefore marked ``login_not_required`` (see :class:`ApiView`) and DRF's ``IsAuthenticated`` does the
checking instead, answering 401 with a JSON body.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.api.permissions import IsSchoolUserToWrite
from rollcall.api.serializers import (
    CaseDetailSerializer,
    CaseFilterSerializer,
    CaseSerializer,
    CouncilChildSerializer,
    NewPupilInputSerializer,
    NewPupilResultSerializer,
    RemovalNoticeInputSerializer,
    RemovalNoticeSerializer,
    SchoolChildSerializer,
    pupil_from,
)
from rollcall.audit.services import record_view
from rollcall.casework.access import cases_visible_to, get_case_for_user
from rollcall.casework.models import Case, Enquiry, Task
from rollcall.casework.new_pupils import new_pupil_notify
from rollcall.casework.removals import removal_notify
from rollcall.casework.services import CaseworkError
from rollcall.people.access import get_child_for_user
from rollcall.people.models import Address, Carer
from rollcall.schools.access import removal_notices_visible_to
from rollcall.schools.models import RemovalNotice, RollEntry

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 100  # RemovalNotice.idempotency_key

_ERROR = inline_serializer("Error", fields={"detail": serializers.CharField()})


class ApiView(generics.GenericAPIView[Any]):
    """Base for API views: exempt from the sign-in redirect, checked by DRF instead."""

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        return login_not_required(super().as_view(**initkwargs))


# ---- removal notices --------------------------------------------------------------------------


def removal_notice_queryset(notices: QuerySet[RemovalNotice]) -> QuerySet[RemovalNotice]:
    """Notices with everything the serializer reads, in a fixed number of queries."""
    return notices.select_related("school", "child", "destination_school").prefetch_related(
        Prefetch("cases", queryset=Case.objects.only("id", "kind", "removal_notice_id"))
    )


class RemovalNoticeListCreate(ApiView):
    """``GET``: the removal notices you may read. ``POST``: a school's removal notice."""

    serializer_class = RemovalNoticeSerializer
    permission_classes = [IsAuthenticated, IsSchoolUserToWrite]

    def get_queryset(self) -> QuerySet[RemovalNotice]:
        return removal_notice_queryset(removal_notices_visible_to(signed_in_user(self.request))).order_by(
            "-received_at", "-pk"
        )

    @extend_schema(
        summary="List removal notices",
        description=(
            "A school user sees the notices its school sent; the council's Inclusion team, heads of "
            "service and administrators see every notice; other council staff see none."
        ),
        responses={200: RemovalNoticeSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        data = RemovalNoticeSerializer(page, many=True).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Send a removal notice",
        description=(
            "A school's deletion return (Pupil Registration Regulations 2024, reg. 13(4)): the pupil "
            "and the removal. School users only. Send a unique `Idempotency-Key` header with each "
            "notice: a retry with the same key returns the first notice (200) and records nothing "
            "new. Dates are ISO 8601 (YYYY-MM-DD); errors are keyed by field."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description=(
                    "A value unique to this notice (a UUID is ideal), at most "
                    f"{IDEMPOTENCY_KEY_MAX_LENGTH} characters. Send the same value when you retry."
                ),
            )
        ],
        request=RemovalNoticeInputSerializer,
        responses={
            201: OpenApiResponse(RemovalNoticeSerializer, description="The notice was recorded."),
            200: OpenApiResponse(
                RemovalNoticeSerializer,
                description="A notice with this Idempotency-Key was already recorded; nothing new was.",
            ),
            400: OpenApiResponse(description="The notice has errors, keyed by field; nothing was recorded."),
            403: OpenApiResponse(_ERROR, description="Only school users may send removal notices."),
            503: OpenApiResponse(_ERROR, description="The council cannot take the notice now; retry later."),
        },
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        school = user.school
        if school is None:  # IsSchoolUserToWrite has refused council staff already
            raise PermissionDenied(IsSchoolUserToWrite.message)
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        if not key:
            raise ValidationError(
                {
                    "detail": (
                        f"Send an {IDEMPOTENCY_HEADER} header with a value unique to this notice, "
                        "such as a UUID, so that a retry cannot record the notice twice"
                    )
                }
            )
        if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
            raise ValidationError(
                {
                    "detail": (
                        f"The {IDEMPOTENCY_HEADER} header must be {IDEMPOTENCY_KEY_MAX_LENGTH} "
                        "characters or fewer"
                    )
                }
            )
        incoming = RemovalNoticeInputSerializer(data=request.data, context={"school": school})
        incoming.is_valid(raise_exception=True)
        pupil, removal = incoming.pupil_and_removal()
        try:
            notice, created = removal_notify(
                school=school, actor=user, pupil=pupil, removal=removal, idempotency_key=key
            )
        except CaseworkError as error:
            # Nothing was recorded (the service rolled back): a retry with the same key is safe.
            return Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        # Read the notice back the same way for a first submission and a replay, so both bodies match.
        recorded = removal_notice_queryset(RemovalNotice.objects.filter(pk=notice.pk)).get()
        return Response(
            RemovalNoticeSerializer(recorded).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# ---- new pupils ---------------------------------------------------------------------------------


class NewPupilCreate(ApiView):
    """``POST``: a school's new pupil return. Sending it twice changes nothing the second time."""

    serializer_class = NewPupilInputSerializer
    permission_classes = [IsAuthenticated, IsSchoolUserToWrite]

    @extend_schema(
        summary="Send a new pupil return",
        description=(
            "A school tells the council a pupil joined its roll (Pupil Registration Regulations 2024, "
            "reg. 13(1)). Any open child missing education case for the child closes as back on roll. "
            "School users only; a repeat for a pupil already on the roll records nothing new."
        ),
        request=NewPupilInputSerializer,
        responses={
            201: OpenApiResponse(NewPupilResultSerializer, description="The pupil is on the school's roll."),
            400: OpenApiResponse(description="The return has errors, keyed by field; nothing was recorded."),
            403: OpenApiResponse(_ERROR, description="Only school users may send new pupil returns."),
        },
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        school = user.school
        if school is None:
            raise PermissionDenied(IsSchoolUserToWrite.message)
        incoming = NewPupilInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            result = new_pupil_notify(
                school=school,
                actor=user,
                pupil=pupil_from(incoming.validated_data["pupil"]),
                entered_on=incoming.validated_data["entered_on"],
            )
        except CaseworkError as error:
            return Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        body = {
            "child": result.entry.child_id,
            "child_created": result.child_created,
            "on_roll_from": result.entry.on_roll_from,
            "closed_cases": [case.reference for case in result.closed_cases],
        }
        return Response(NewPupilResultSerializer(body).data, status=status.HTTP_201_CREATED)


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
class CaseList(ApiView, generics.ListAPIView[Case]):
    """The cases the user may see, filtered by the query string."""

    serializer_class = CaseSerializer

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
    responses={200: CaseDetailSerializer, 404: OpenApiResponse(_ERROR, description="No such case.")},
)
class CaseDetail(ApiView, generics.RetrieveAPIView[Case]):
    """One case with its tasks and enquiries. Case notes are not in the API in this version."""

    serializer_class = CaseDetailSerializer

    def get_object(self) -> Case:
        case = get_case_for_user(signed_in_user(self.request), int(self.kwargs["pk"]))
        tasks = Task.objects.filter(case=case).select_related("assignee")
        enquiries = Enquiry.objects.filter(case=case).select_related("recorded_by")
        # The serializer reads case.tasks.all() and case.enquiries.all(); fill them from one query each.
        case._prefetched_objects_cache = {"tasks": tasks, "enquiries": enquiries}  # type: ignore[attr-defined]
        return case


# ---- children ---------------------------------------------------------------------------------


class ChildDetail(ApiView):
    """One child the user may see. Every read is logged (UK GDPR: who viewed which child)."""

    serializer_class = CouncilChildSerializer

    @extend_schema(
        summary="Read a child",
        description=(
            "404 for a child who does not exist or whom you may not see. A school user sees the "
            "child's basic details and time on its own roll only (current_address, carers and "
            "cases are left out); council staff also see the address, carers, every roll and the "
            "cases they may see. Each read is recorded in the access log."
        ),
        responses={200: CouncilChildSerializer, 404: OpenApiResponse(_ERROR, description="No such child.")},
    )
    def get(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        child = get_child_for_user(user, int(pk))
        rolls = RollEntry.objects.filter(child=child).select_related("school", "destination_school")
        school = user.school
        if school is not None:
            data = SchoolChildSerializer(child, context={"roll_entries": rolls.filter(school=school)}).data
        else:
            context = {
                "roll_entries": rolls,
                "address": Address.objects.filter(child=child, moved_out__isnull=True).first(),
                "carers": Carer.objects.filter(child=child).order_by("pk"),
                "cases": cases_visible_to(user).filter(child=child).order_by("-opened_at", "-pk"),
            }
            data = CouncilChildSerializer(child, context=context).data
        record_view(user=user, child=child, what="api child", path=request.path)
        return Response(data)
