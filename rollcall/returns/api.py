"""The returns a school system sends: removal notices, new pupil returns and attendance returns,
under /api/v1/.

Every view starts from the same access rules as the pages (``removal_notices_visible_to``) and
every write goes through the same service, so the API can neither show nor change more than the
screens.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.api_base import ERROR, ApiView
from rollcall.audit.services import LogsChildrenShown
from rollcall.casework.models import Case
from rollcall.casework.services import CaseworkError
from rollcall.returns.access import removal_notices_visible_to
from rollcall.returns.attendance_returns import AbsenceFacts, attendance_return_receive
from rollcall.returns.claims import Received
from rollcall.returns.models import SchoolReturn
from rollcall.returns.new_pupils import new_pupil_notify
from rollcall.returns.removals import removal_notify
from rollcall.returns.serializers import (
    AttendanceReturnInputSerializer,
    NewPupilInputSerializer,
    NewPupilResultSerializer,
    RemovalNoticeInputSerializer,
    RemovalNoticeSerializer,
    SchoolReturnSerializer,
    pupil_from,
)
from rollcall.schools.models import RemovalNotice

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 100  # RemovalNotice.idempotency_key


def _optional_key(request: Request) -> str:
    """The request's Idempotency-Key header ("" when there is none), refused when too long."""
    key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ValidationError(
            {
                "detail": f"The {IDEMPOTENCY_HEADER} header must be {IDEMPOTENCY_KEY_MAX_LENGTH} characters or fewer"
            }
        )
    return key


class IsSchoolUserToWrite(BasePermission):
    """Reading is for any signed-in user (the queryset scopes it); sending is for school users.

    A removal notice is a school's deletion return (Pupil Registration Regulations 2024,
    reg. 13(4)): the school it comes from is the user's own school, so council staff cannot send one.
    """

    message = "Only a school user can send a removal notice: council staff cannot send one for a school."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        return isinstance(user, User) and user.is_school_user


def removal_notice_queryset(notices: QuerySet[RemovalNotice]) -> QuerySet[RemovalNotice]:
    """Notices with everything the serializer reads, in a fixed number of queries."""
    return notices.select_related("school", "child", "destination_school", "school_return").prefetch_related(
        Prefetch("cases", queryset=Case.objects.only("id", "kind", "removal_notice_id"))
    )


class RemovalNoticeListCreate(LogsChildrenShown, ApiView):
    """``GET``: the removal notices you may read. ``POST``: a school's removal notice."""

    api_scopes = {"GET": ("removals",), "POST": ("removals",)}

    serializer_class = RemovalNoticeSerializer
    permission_classes = [IsAuthenticated, IsSchoolUserToWrite]
    shown_what = "API removal notices"

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
        as_school = signed_in_user(request).school is not None
        data = RemovalNoticeSerializer(page, many=True, context={"as_school": as_school}).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Send a removal notice",
        description=(
            "A school's deletion return (Pupil Registration Regulations 2024, reg. 13(4)): the pupil "
            "and the removal. School users only. Send a unique `Idempotency-Key` header with each "
            "notice: a retry with the same key returns the first answer (200) and records nothing "
            "new. A notice about a pupil the council holds goes ahead only when the details agree and "
            "the pupil is on your roll; otherwise it is received (202) and the council checks it "
            "first. The answer repeats only what you sent. Dates are ISO 8601 (YYYY-MM-DD); errors "
            "are keyed by field."
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
            201: OpenApiResponse(SchoolReturnSerializer, description="The notice was recorded."),
            202: OpenApiResponse(
                SchoolReturnSerializer,
                description="Received: the council checks the details before anything changes.",
            ),
            200: OpenApiResponse(
                SchoolReturnSerializer,
                description="A notice with this Idempotency-Key was already received; nothing new was recorded.",
            ),
            400: OpenApiResponse(description="The notice has errors, keyed by field; nothing was recorded."),
            403: OpenApiResponse(ERROR, description="Only school users may send removal notices."),
            503: OpenApiResponse(ERROR, description="The council cannot take the notice now; retry later."),
        },
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        school = user.school
        if school is None:  # IsSchoolUserToWrite has refused council staff already
            raise PermissionDenied(IsSchoolUserToWrite.message)
        key = _optional_key(request)
        if not key:
            raise ValidationError(
                {
                    "detail": (
                        f"Send an {IDEMPOTENCY_HEADER} header with a value unique to this notice, "
                        "such as a UUID, so that a retry cannot record the notice twice"
                    )
                }
            )
        incoming = RemovalNoticeInputSerializer(data=request.data, context={"school": school})
        incoming.is_valid(raise_exception=True)
        pupil, removal = incoming.pupil_and_removal()
        try:
            received = removal_notify(
                school=school, actor=user, pupil=pupil, removal=removal, idempotency_key=key
            )
        except CaseworkError as error:
            # Nothing was recorded (the service rolled back): a retry with the same key is safe.
            return Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response(SchoolReturnSerializer(received.school_return).data, status=_answer_status(received))


def _answer_status(received: Received) -> int:
    if not received.created:
        return status.HTTP_200_OK
    return status.HTTP_202_ACCEPTED if received.held else status.HTTP_201_CREATED


class NewPupilCreate(ApiView):
    """``POST``: a school's new pupil return. Sending it twice changes nothing the second time."""

    api_scopes = {"POST": ("new-pupils",)}

    serializer_class = NewPupilInputSerializer
    permission_classes = [IsAuthenticated, IsSchoolUserToWrite]

    @extend_schema(
        summary="Send a new pupil return",
        description=(
            "A school tells the council a pupil joined its roll (Pupil Registration Regulations 2024, "
            "reg. 13(1)). A return about a pupil the council holds goes ahead only when the details "
            "agree and the council expected the pupil at your school; otherwise it is received (202) "
            "and the council checks it first. School users only; a repeat for a pupil already on the "
            "roll records nothing new."
        ),
        request=NewPupilInputSerializer,
        responses={
            201: OpenApiResponse(NewPupilResultSerializer, description="The pupil is on the school's roll."),
            202: OpenApiResponse(
                NewPupilResultSerializer,
                description="Received: the council checks the details before anything changes.",
            ),
            400: OpenApiResponse(description="The return has errors, keyed by field; nothing was recorded."),
            403: OpenApiResponse(ERROR, description="Only school users may send new pupil returns."),
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
        answer = SchoolReturnSerializer(result.received.school_return).data
        body = {
            "reference": answer["reference"],
            "status": answer["status"],
            "message": answer["message"],
            "child": result.entry.child_id if result.entry else None,
            "on_roll_from": result.entry.on_roll_from if result.entry else None,
        }
        return Response(NewPupilResultSerializer(body).data, status=_answer_status(result.received))


class AttendanceReturnCreate(ApiView):
    """``POST``: a school's attendance return (10 continuous school days coded G, N, O or U)."""

    api_scopes = {"POST": ("attendance",)}

    serializer_class = AttendanceReturnInputSerializer
    permission_classes = [IsAuthenticated, IsSchoolUserToWrite]

    @extend_schema(
        summary="Send an attendance return",
        description=(
            "A school tells the council a pupil has been absent 10 continuous school days with the "
            "codes G, N, O or U. A return about a pupil the council holds is accepted (201) when the "
            "details agree and the pupil is on your roll; otherwise it is received (202) and the "
            "council checks it first. An optional Idempotency-Key header makes a retry record "
            "nothing new (200). School users only."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="A value unique to this return, such as a UUID.",
            )
        ],
        request=AttendanceReturnInputSerializer,
        responses={
            201: OpenApiResponse(SchoolReturnSerializer, description="Accepted."),
            202: OpenApiResponse(
                SchoolReturnSerializer, description="Received: the council checks the details first."
            ),
            200: OpenApiResponse(SchoolReturnSerializer, description="Already received with this key."),
            400: OpenApiResponse(description="The return has errors, keyed by field; nothing was recorded."),
            403: OpenApiResponse(ERROR, description="Only school users may send attendance returns."),
        },
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        school = user.school
        if school is None:
            raise PermissionDenied(IsSchoolUserToWrite.message)
        key = _optional_key(request)
        incoming = AttendanceReturnInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            received = attendance_return_receive(
                school=school,
                actor=user,
                pupil=pupil_from(data["pupil"]),
                facts=AbsenceFacts(
                    first_day_absent=data["first_day_absent"],
                    school_days_absent=data["school_days_absent"],
                    details=(data.get("details") or "").strip(),
                ),
                idempotency_key=key,
            )
        except CaseworkError as error:
            return Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response(SchoolReturnSerializer(received.school_return).data, status=_answer_status(received))


class SchoolReturnList(LogsChildrenShown, ApiView):
    """``GET``: the returns your school sent, newest first, as you sent them."""

    api_scopes = {"GET": ("removals", "new-pupils", "attendance")}

    serializer_class = SchoolReturnSerializer
    child_field = "removal_notice__child_id"
    shown_what = "API school returns"

    def get_queryset(self) -> QuerySet[SchoolReturn]:
        user = signed_in_user(self.request)
        if user.school is None:
            raise PermissionDenied("This list is for schools: council staff read removal notices and cases.")
        return (
            SchoolReturn.objects.filter(school=user.school)
            .select_related("removal_notice")
            .order_by("-received_at", "-pk")
        )

    @extend_schema(
        summary="List your school's returns",
        description="Every return your school sent, with what became of it: accepted, or received and being checked.",
        responses={200: SchoolReturnSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SchoolReturnSerializer(page, many=True).data)
