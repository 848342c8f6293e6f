"""The school's side of the put-on-roll request, for school information systems.

GET  /api/v1/admissions/requests/                 the school's own requests
POST /api/v1/admissions/requests/<id>/confirm/    {"on_roll": true, "on_roll_from": "2026-11-20",
                                                   "attended_from": "2026-11-23"} or
                                                  {"on_roll": false, "reason": "..."}

No lost updates (issue 11): each request carries its ``version``, and the confirm answer its
``ETag``. A client that sends ``If-Match: "<version>"`` gets 412 if the request changed since;
one that sends ``"version"`` in the body gets 409; either way nothing is saved and the answer
says what the request is now. Without either, the answer is saved as before.

Built on ``rollcall.api_base.ApiView`` (checked by DRF's IsAuthenticated); the same policy as the pages (``requests_visible_to``: a school sees only its own
requests, 404 for another's) and the same service (``request_answer``).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from rollcall.accounts.access import signed_in_user
from rollcall.admissions.access import get_request_for_user, requests_visible_to
from rollcall.admissions.models import PutOnRollRequest
from rollcall.admissions.services import request_answer
from rollcall.api_base import VERSION_HELP, ApiView, etag, if_match_version
from rollcall.audit.services import log_shown
from rollcall.casework.services import CaseworkError
from rollcall.concurrency import EditConflict


class RequestSerializer(serializers.ModelSerializer[PutOnRollRequest]):
    child = serializers.CharField(source="child.full_name")
    date_of_birth = serializers.DateField(source="child.date_of_birth")
    school_urn = serializers.CharField(source="school.urn")
    status = serializers.CharField(source="status_label")

    class Meta:
        model = PutOnRollRequest
        fields = (
            "id",
            "child",
            "date_of_birth",
            "school_urn",
            "sent_on",
            "answer_due",
            "answer",
            "on_roll_from",
            "attended_from",
            "not_on_roll_reason",
            "status",
            "version",
        )


class ConfirmSerializer(serializers.Serializer[dict[str, Any]]):
    on_roll = serializers.BooleanField()
    on_roll_from = serializers.DateField(required=False, allow_null=True)
    attended_from = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


class RequestList(ApiView):
    api_scopes = {"GET": ("admissions",)}
    serializer_class = RequestSerializer

    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        if not user.is_school_user:
            raise PermissionDenied("This list is for schools.")
        requests = requests_visible_to(user).select_related("child", "school").order_by("answer_due", "pk")
        log_shown(request, requests.values_list("child_id", flat=True), "API put-on-roll requests")
        return Response(RequestSerializer(requests, many=True).data)


class RequestConfirm(ApiView):
    api_scopes = {"POST": ("admissions",)}
    serializer_class = ConfirmSerializer

    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        if not user.is_school_user:
            raise PermissionDenied("Only the school answers through the API.")
        put = get_request_for_user(user, pk)
        data = ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if_match = if_match_version(request.headers.get("If-Match"))
        expected = if_match if if_match is not None else values.get("version")
        try:
            put = request_answer(
                request=put,
                actor=user,
                on_roll=values["on_roll"],
                on_roll_from=values.get("on_roll_from"),
                attended_from=values.get("attended_from"),
                reason=values.get("reason", ""),
                expected_version=expected,
            )
        except EditConflict as stale:
            current = get_request_for_user(user, pk)
            refused = Response(
                {
                    "detail": str(stale),
                    "changes": [{"field": c.label, "now": c.now} for c in stale.changes],
                    "current": RequestSerializer(current).data,
                },
                status=status.HTTP_412_PRECONDITION_FAILED
                if if_match is not None
                else status.HTTP_409_CONFLICT,
            )
            refused["ETag"] = etag(current.version)
            return refused
        except CaseworkError as error:
            raise ValidationError({"detail": str(error)}) from None
        response = Response(RequestSerializer(put).data, status=status.HTTP_200_OK)
        response["ETag"] = etag(put.version)
        return response


# The first address of these endpoints, kept working for school systems already set up against it.
# Deprecated: new connections use /api/v1/admissions/… (docs/admissions.md); not in the schema.
@extend_schema(exclude=True)
class RequestListDeprecated(RequestList):
    pass


@extend_schema(exclude=True)
class RequestConfirmDeprecated(RequestConfirm):
    pass
