"""``PUT /api/v1/schools/<urn>/roll/``: a school's whole roll on a date, from an MIS connector.

The same engine as the CSV file and the command (rolls/services.py). Idempotent: the same roll
sent again changes nothing and answers ``"status": "unchanged"``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from rollcall.accounts.access import signed_in_user
from rollcall.api_base import ERROR, ApiView, StrictSerializer, date_field
from rollcall.rolls.access import can_load_roll
from rollcall.rolls.models import RollSnapshot
from rollcall.rolls.pupils import COLUMNS, MAX_ROWS, RollFileError, rows_from_records
from rollcall.rolls.services import RollLoaded, roll_load
from rollcall.rules.rolls import RollRefused
from rollcall.schools.models import School


class RollInputSerializer(StrictSerializer):
    as_of = date_field("the date the roll is as of")
    pupils = serializers.ListField(
        child=serializers.DictField(),
        allow_empty=True,
        max_length=MAX_ROWS,
        help_text=f"One object per pupil on roll, with the fields {', '.join(COLUMNS)} (docs/rolls.md).",
    )


class RollLineErrorSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField()
    field = serializers.CharField()
    reason = serializers.CharField()


ROLL_RESULT = inline_serializer(
    "RollResult",
    fields={
        "status": serializers.ChoiceField(choices=["loaded", "unchanged"]),
        "as_of": serializers.DateField(),
        "pupils": serializers.IntegerField(),
        "joiners": serializers.IntegerField(),
        "leavers": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "held": serializers.IntegerField(),
        "left_without_notice": serializers.IntegerField(),
    },
)


def result_json(loaded: RollLoaded) -> dict[str, Any]:
    snapshot: RollSnapshot = loaded.snapshot
    return {
        "status": "unchanged" if loaded.unchanged else "loaded",
        "as_of": snapshot.as_of.isoformat(),
        "pupils": snapshot.pupils,
        "joiners": 0 if loaded.unchanged else snapshot.joiners,
        "leavers": 0 if loaded.unchanged else snapshot.leavers,
        "unchanged": snapshot.pupils if loaded.unchanged else snapshot.unchanged,
        "held": 0 if loaded.unchanged else snapshot.held,
        "left_without_notice": 0 if loaded.unchanged else snapshot.left_without_notice,
    }


class SchoolRoll(ApiView):
    """``PUT``: the school's whole roll as of a date."""

    api_scopes = {"PUT": ("rolls",)}

    serializer_class = RollInputSerializer

    @extend_schema(
        summary="Send a school's whole roll",
        description=(
            "Every pupil on the school's roll on `as_of`, as a full snapshot (docs/rolls.md). Pupils "
            "missing from it, or with a leaving date on or before `as_of`, have left. All or nothing: "
            "a roll with any error loads nothing and the answer lists every error by line (the pupil's "
            "position in the list, from 1) and field. The same roll sent again changes nothing "
            '(`status` "unchanged"). A roll dated before the school\'s latest is refused (409). '
            "The school's own users, the council's Inclusion officers and managers, and administrators."
        ),
        request=RollInputSerializer,
        responses={
            200: OpenApiResponse(ROLL_RESULT, description="Loaded, or unchanged."),
            400: OpenApiResponse(
                inline_serializer("RollErrors", fields={"errors": RollLineErrorSerializer(many=True)}),
                description="Errors by line and field; nothing was loaded.",
            ),
            403: OpenApiResponse(ERROR, description="You may not load this school's roll."),
            404: OpenApiResponse(ERROR, description="No school has this URN."),
            409: OpenApiResponse(
                ERROR, description="Older than the roll already loaded; nothing was loaded."
            ),
        },
    )
    def put(self, request: Request, urn: str) -> Response:
        user = signed_in_user(request)
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise Http404("No school has this URN")
        if not can_load_roll(user, school):
            raise PermissionDenied("You may not load this school's roll.")
        incoming = RollInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            rows = rows_from_records(incoming.validated_data["pupils"])
            loaded = roll_load(
                school=school,
                as_of=incoming.validated_data["as_of"],
                rows=rows,
                source=RollSnapshot.Source.API,
                actor=user,
            )
        except RollFileError as error:
            return Response(
                {"errors": [{"line": e.line, "field": e.field, "reason": e.reason} for e in error.errors]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except RollRefused as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(result_json(loaded))
