"""Council-to-council messages under /api/v1/transfers/messages/ (docs/transfers.md).

No user signs in here: the sending council is named by the ``X-RollCall-Council`` header and
proved by ``X-RollCall-Signature``, an Ed25519 signature of the exact body with the key its
administrator exchanged with ours. services.message_receive makes every check; this view only
passes the raw bytes and answers.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from rollcall.api_base import ERROR, ApiView
from rollcall.transfers import services, wire


class RawJsonParser(BaseParser):
    """Accept JSON without parsing it: the signature is over the exact bytes, so the view reads
    ``request.body`` itself."""

    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return None


ANSWER = inline_serializer(
    "TransferMessageAnswer",
    fields={
        "kind": serializers.CharField(),
        "received": serializers.BooleanField(required=False),
        "already_received": serializers.BooleanField(required=False),
        "acknowledged": serializers.BooleanField(required=False),
        "already_acknowledged": serializers.BooleanField(required=False),
    },
)


class TransferMessages(ApiView):
    """A transfer or an acknowledgement from a partner council."""

    authentication_classes: Any = ()
    permission_classes: Any = (AllowAny,)
    parser_classes: Any = (RawJsonParser,)

    @extend_schema(
        operation_id="transfers_message_receive",
        summary="Receive a signed message from a partner council",
        description=(
            "The body is the signed JSON envelope (kind, message_id, sent_at, from, to, data). Refused "
            "with 403 for an unknown council, a signature that does not verify, a message addressed to "
            "another council or outside the time window; 409 for a message id seen before (a replay)."
        ),
        parameters=[
            OpenApiParameter(wire.COUNCIL_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(wire.SIGNATURE_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
        ],
        request={"application/json": OpenApiTypes.OBJECT},
        responses={
            200: ANSWER,
            400: OpenApiResponse(ERROR),
            403: OpenApiResponse(ERROR),
            404: OpenApiResponse(ERROR),
            409: OpenApiResponse(ERROR),
        },
    )
    def post(self, request: Request) -> Response:
        try:
            received = services.message_receive(
                body=request.body,
                council=request.headers.get(wire.COUNCIL_HEADER, ""),
                signature=request.headers.get(wire.SIGNATURE_HEADER, ""),
            )
        except services.MessageRefused as refused:
            return Response({"detail": str(refused)}, status=refused.status)
        return Response({"kind": received.kind, **received.answer})
