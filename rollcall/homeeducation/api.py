"""Home education under /api/v1/home-education/ (docs/home-education.md).

The same access functions and services as the pages: an API token can neither show nor change
more than its user could on the screens, and its scopes only narrow that.

- ``GET records/`` and ``GET records/<id>/``: the home-education records the Elective Home
  Education team may see (scope ``home-education:read``); every child in an answer is logged.
- ``POST notifications/``: a parent's notification passed on by a council system (a contact
  centre, a web form of its own; scope ``home-education:notify``). A claim to confirm, exactly as
  the public form's: nothing about any child changes until an officer has checked it, and the
  answer is the reference only, never what the council holds. Throttled per internet address
  and per home address like the public form (429), and like every API call.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from rollcall.accounts.access import signed_in_user
from rollcall.api_base import ERROR, ApiView, StrictSerializer, date_field, not_after_today, text_field
from rollcall.audit.services import LogsChildrenShown
from rollcall.homeeducation import services
from rollcall.homeeducation.access import can_open_record, can_view_record, records_visible_to
from rollcall.homeeducation.models import EHERecord

_READ_ONLY_TEAM = "Only the Elective Home Education team can read home-education records."


class EHERecordSerializer(serializers.ModelSerializer[EHERecord]):
    """A home-education record: the education, the officer's view and the next review."""

    reference = serializers.CharField(source="case.reference", read_only=True)
    child = serializers.IntegerField(source="child_id", read_only=True)
    status = serializers.CharField(source="case.status", read_only=True)
    status_label = serializers.CharField(source="case.status_label", read_only=True)
    owner = serializers.SerializerMethodField()
    school = serializers.CharField(source="school.urn", read_only=True, allow_null=True, default=None)
    closed = serializers.SerializerMethodField()

    class Meta:
        model = EHERecord
        fields = [
            "id",
            "reference",
            "child",
            "status",
            "status_label",
            "owner",
            "source",
            "notified_on",
            "school",
            "reason",
            "parents",
            "educated_by",
            "hours_per_week",
            "where",
            "consent_needed",
            "consent_decision",
            "first_contact_on",
            "suitability",
            "suitability_reasons",
            "judged_on",
            "next_review_on",
            "closed",
        ]
        read_only_fields = fields

    def get_owner(self, record: EHERecord) -> str | None:
        owner = record.case.owner
        return owner.get_full_name() if owner is not None else None

    def get_closed(self, record: EHERecord) -> bool:
        return record.case.closed_at is not None


def _records(request: Request) -> QuerySet[EHERecord]:
    user = signed_in_user(request)
    if not can_open_record(user):
        raise PermissionDenied(_READ_ONLY_TEAM)
    return records_visible_to(user).select_related("case", "case__owner", "school")


class RecordList(LogsChildrenShown, ApiView):
    """``GET``: the home-education records you may read, next review first."""

    api_scopes = {"GET": ("home-education:read",)}
    serializer_class = EHERecordSerializer
    shown_what = "API home-education records"

    def get_queryset(self) -> QuerySet[EHERecord]:
        records = _records(self.request)
        if self.request.query_params.get("closed") != "true":
            records = records.filter(case__closed_at__isnull=True)
        return records.order_by("next_review_on", "pk")

    @extend_schema(
        summary="List home-education records",
        description="Open records by default; `?closed=true` for every record. EHE team and heads of service.",
        responses={200: EHERecordSerializer(many=True), 403: OpenApiResponse(ERROR)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EHERecordSerializer(page, many=True).data)


class RecordDetail(ApiView):
    """``GET``: one home-education record (logged as shown; refusals logged by the route)."""

    api_scopes = {"GET": ("home-education:read",)}
    serializer_class = EHERecordSerializer

    @extend_schema(
        summary="Read a home-education record",
        responses={200: EHERecordSerializer, 403: OpenApiResponse(ERROR), 404: OpenApiResponse(ERROR)},
    )
    def get(self, request: Request, pk: int) -> Response:
        record = _records(request).filter(pk=pk).first()
        if record is None or not can_view_record(signed_in_user(request), record):
            raise NotFound("No such record")
        return Response(EHERecordSerializer(record).data)


class EHENotificationInputSerializer(StrictSerializer):
    """What a parent told the council, as the public form asks it."""

    child_forename = text_field("the child's first name", max_length=100)
    child_surname = text_field("the child's last name", max_length=100)
    child_date_of_birth = date_field("the child's date of birth")
    address_line_1 = text_field("the first line of the address", max_length=200)
    town = text_field("the town", required=False, max_length=100, allow_blank=True)
    postcode = text_field("the postcode", max_length=10)
    school_name = text_field("the school's name", required=False, max_length=200, allow_blank=True)
    home_educating_from = date_field("the date home education started", required=False)
    parent_name = text_field("the parent's name", max_length=200)
    parent_email = serializers.EmailField(
        required=False,
        default="",
        allow_blank=True,
        error_messages={"invalid": "Enter a real e-mail address"},
    )
    parent_phone = text_field("the parent's phone number", required=False, max_length=30, allow_blank=True)
    education = text_field("the education", required=False, max_length=5000, allow_blank=True)

    def validate_child_date_of_birth(self, value: Any) -> Any:
        return not_after_today(value, "The child's date of birth must be in the past")

    def facts(self) -> services.NotificationFacts:
        d = self.validated_data
        return services.NotificationFacts(
            child_forename=d["child_forename"],
            child_surname=d["child_surname"],
            child_date_of_birth=d["child_date_of_birth"],
            address_line_1=d["address_line_1"],
            postcode=d["postcode"],
            parent_name=d["parent_name"],
            town=d.get("town", ""),
            school_name=d.get("school_name", ""),
            home_educating_from=d.get("home_educating_from"),
            parent_email=d.get("parent_email", ""),
            parent_phone=d.get("parent_phone", ""),
            education=d.get("education", ""),
        )


class EHENotificationAnswerSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField(help_text="The council's reference for the notification.")
    status = serializers.CharField(help_text="Always to_confirm: an officer checks it first.")
    message = serializers.CharField()


RECEIVED = "Received. The Elective Home Education team will check the details before anything changes."


class NotificationCreate(ApiView):
    """``POST``: a parent's notification of home education, held for an officer to confirm."""

    api_scopes = {"POST": ("home-education:notify",)}
    serializer_class = EHENotificationInputSerializer

    @extend_schema(
        summary="Pass on a parent's notification of home education",
        description=(
            "Council staff systems only. The notification is a claim to confirm: it changes no child's "
            "record until an officer of the Elective Home Education team has checked it. The answer "
            "is the reference only (202). Over the day's limit from one address, or about one home "
            "address, 429. Dates are ISO 8601; errors are keyed by field."
        ),
        request=EHENotificationInputSerializer,
        responses={
            202: EHENotificationAnswerSerializer,
            400: OpenApiResponse(description="Errors keyed by field; nothing was recorded."),
            403: OpenApiResponse(ERROR),
            429: OpenApiResponse(ERROR),
        },
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        if not user.is_council_staff:
            raise PermissionDenied("Only council staff systems can pass on a parent's notification.")
        incoming = EHENotificationInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            notification = services.notification_receive(
                facts=incoming.facts(), client_address=request.META.get("REMOTE_ADDR", "")
            )
        except services.Throttled:
            return Response(
                {
                    "detail": "Too many notifications from this address or about this home today. Try tomorrow."
                },
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        return Response(
            {"reference": notification.reference, "status": notification.status, "message": RECEIVED},
            status=status.HTTP_202_ACCEPTED,
        )
