"""Exclusion notifications and penalty-notice decisions under /api/v1/exclusions/.

The same access functions and services as the pages: the API can neither show nor change more
than the screens. A notification goes through the claims rule of every return
(rollcall/returns/claims.py): about a child the council holds, it is recorded only when the
details agree and the pupil is on the school's roll; otherwise it is received (202) and checked.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from rollcall.accounts.access import signed_in_user
from rollcall.api_base import ERROR, ApiView, StrictSerializer, date_field, text_field
from rollcall.audit.services import LogsChildrenShown
from rollcall.casework.services import CaseworkError
from rollcall.exclusions import services
from rollcall.exclusions.access import (
    can_decide_penalties,
    can_notify,
    can_read_exclusions,
    can_record_board,
    considerations_visible_to,
    exclusions_visible_to,
)
from rollcall.exclusions.models import BudgetAdjustment, Consideration, Exclusion, ExclusionStep
from rollcall.returns.claims import RECEIVED_MESSAGE
from rollcall.returns.serializers import PupilSerializer, pupil_from
from rollcall.rules.exclusions import (
    ExclusionKind,
    ReviewOutcome,
    ReviewStep,
    ReviewStepRefused,
    outcome_check,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 100


class ExclusionInputSerializer(StrictSerializer):
    """A school's notification of a suspension or a permanent exclusion."""

    pupil = PupilSerializer(error_messages={"required": "Enter the pupil's details"})
    kind = serializers.ChoiceField(
        choices=Exclusion.Kind.choices,
        error_messages={
            "invalid_choice": "The kind must be suspension or permanent",
            "required": "Enter the kind",
        },
    )
    first_day = date_field("the first day of the exclusion")
    days = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        required=False,
        allow_null=True,
        default=None,
        help_text="A suspension's length in school days (0.5 for a lunchtime); null for a permanent exclusion.",
        error_messages={"invalid": "The length must be a number of school days, like 3 or 2.5"},
    )
    reason = text_field("the reason for the exclusion", max_length=2000)
    misses_exam = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        facts = self.facts(attrs)
        problems = facts.problems()
        if problems:
            raise serializers.ValidationError({k: [v] for k, v in problems.items()})
        return attrs

    @staticmethod
    def facts(attrs: dict[str, Any]) -> services.ExclusionFacts:
        days = attrs.get("days")
        return services.ExclusionFacts(
            kind=ExclusionKind(attrs["kind"]),
            first_day=attrs["first_day"],
            reason=attrs["reason"],
            days=Decimal(days) if days is not None else None,
            misses_exam=attrs.get("misses_exam", False),
        )


class BudgetAdjustmentSerializer(serializers.ModelSerializer[BudgetAdjustment]):
    """The school budget adjustment after a review panel quashed the exclusion and the board,
    reconsidering, did not reinstate."""

    school = serializers.CharField(source="school.urn", read_only=True)

    class Meta:
        model = BudgetAdjustment
        fields = ["amount", "on", "school"]
        read_only_fields = fields


class ExclusionSerializer(serializers.ModelSerializer[Exclusion]):
    """An exclusion as recorded, with the deadlines the rules gave it."""

    school = serializers.CharField(source="school.urn", read_only=True)
    child = serializers.IntegerField(source="child_id", read_only=True)
    budget_adjustment = BudgetAdjustmentSerializer(
        read_only=True,
        allow_null=True,
        help_text="Pounds and the day of the board's reconsideration; null when none is due.",
    )

    class Meta:
        model = Exclusion
        fields = [
            "id",
            "child",
            "school",
            "kind",
            "first_day",
            "days",
            "term_days",
            "misses_exam",
            "told_without_delay",
            "board_due",
            "board_must_meet",
            "board_met_on",
            "board_decision",
            "sixth_day",
            "school_arranges_sixth_day",
            "provision_from",
            "provision_by",
            "review_next",
            "review_due",
            "budget_adjustment",
        ]
        read_only_fields = fields


class NotificationAnswerSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField(help_text="The council's reference for this return.")
    status = serializers.CharField(help_text="accepted, or to_confirm while the council checks the details.")
    message = serializers.CharField()
    exclusion = ExclusionSerializer(allow_null=True)


class ExclusionListCreate(LogsChildrenShown, ApiView):
    """``GET``: the exclusions you may read. ``POST``: a school's notification."""

    api_scopes = {"GET": ("exclusions",), "POST": ("exclusions",)}

    serializer_class = ExclusionSerializer
    shown_what = "API exclusions"

    def get_queryset(self) -> QuerySet[Exclusion]:
        return (
            exclusions_visible_to(signed_in_user(self.request))
            .select_related("school", "budget_adjustment__school")
            .order_by("-first_day", "-pk")
        )

    @extend_schema(
        summary="List exclusions",
        description="A school sees its own; Access to Education and heads of service see every one.",
        responses={200: ExclusionSerializer(many=True), 403: OpenApiResponse(ERROR)},
    )
    def get(self, request: Request) -> Response:
        if not can_read_exclusions(signed_in_user(request)):
            raise PermissionDenied("Only schools and the Access to Education team can read exclusions.")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ExclusionSerializer(page, many=True).data)

    @extend_schema(
        summary="Notify an exclusion",
        description=(
            "A school tells the council of a suspension or permanent exclusion (School Discipline "
            "Regulations 2012). School users only. Send a unique `Idempotency-Key` header: a retry with "
            "the same key returns the first answer (200). About a pupil the council holds, it is recorded "
            "only when the details agree and the pupil is on your roll; otherwise it is received (202) and "
            "the council checks it first. Dates are ISO 8601; errors are keyed by field."
        ),
        parameters=[
            OpenApiParameter(IDEMPOTENCY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True)
        ],
        request=ExclusionInputSerializer,
        responses={
            201: NotificationAnswerSerializer,
            202: NotificationAnswerSerializer,
            200: NotificationAnswerSerializer,
            400: OpenApiResponse(description="Errors keyed by field; nothing was recorded."),
            403: OpenApiResponse(ERROR),
        },
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        school = user.school
        if not can_notify(user) or school is None:
            raise PermissionDenied("Only a school user can notify an exclusion.")
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        if not key or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
            raise ValidationError(
                {
                    "detail": (
                        f"Send an {IDEMPOTENCY_HEADER} header of at most {IDEMPOTENCY_KEY_MAX_LENGTH} "
                        "characters, unique to this notification, such as a UUID"
                    )
                }
            )
        incoming = ExclusionInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            notified = services.exclusion_notify(
                school=school,
                actor=user,
                pupil=pupil_from(incoming.validated_data["pupil"]),
                facts=ExclusionInputSerializer.facts(incoming.validated_data),
                idempotency_key=key,
            )
        except CaseworkError as error:
            return Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        received = notified.received
        answer = {
            "reference": received.school_return.reference,
            "status": received.school_return.status,
            "message": RECEIVED_MESSAGE if received.held else "Recorded.",
            # Only what the school itself sent: nothing the council holds about a held child.
            "exclusion": ExclusionSerializer(notified.exclusion).data if notified.exclusion else None,
        }
        code = (
            status.HTTP_200_OK
            if not received.created
            else (status.HTTP_202_ACCEPTED if received.held else status.HTTP_201_CREATED)
        )
        return Response(answer, status=code)


class ReviewStepInputSerializer(StrictSerializer):
    """A step of an exclusion's route: the board's meeting, the parents' application (or their
    refusal), the review panel, the board's reconsideration."""

    step = serializers.ChoiceField(
        choices=ExclusionStep.Step.values,
        error_messages={"invalid_choice": "The step must be one of " + ", ".join(ExclusionStep.Step.values)},
    )
    on = date_field("the date of the step")
    outcome = serializers.ChoiceField(
        choices=ExclusionStep.Outcome.values,
        required=False,
        allow_null=True,
        default=None,
        error_messages={
            "invalid_choice": "The outcome must be one of " + ", ".join(ExclusionStep.Outcome.values)
        },
    )
    notice_sent_on = serializers.DateField(required=False, allow_null=True, default=None)
    notice_by_post = serializers.BooleanField(required=False, default=False)
    note = text_field("a note", required=False, max_length=2000, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The outcome must be one the step may record (rules.exclusions.outcome_check): keyed
        ``outcome``, as the page's form."""
        outcome = attrs.get("outcome")
        try:
            outcome_check(ReviewStep(attrs["step"]), ReviewOutcome(outcome) if outcome else None)
        except ReviewStepRefused as refused:
            raise serializers.ValidationError({"outcome": [str(refused)]}) from None
        return attrs


class ReviewStepCreate(ApiView):
    """``POST``: record a step of an exclusion's route (the excluding school or Access to Education)."""

    api_scopes = {"POST": ("exclusions",)}

    serializer_class = ReviewStepInputSerializer

    @extend_schema(
        summary="Record a step of an exclusion's board and review route",
        description=(
            "In the order the 2012 Regulations give: the board's meeting (outcome reinstated or upheld, "
            "with the day its decision was sent to the parents), the parents' application for an "
            "independent review or their written refusal, the panel (upheld, reconsideration_recommended "
            "or quashed), the board's reconsideration (reinstated or upheld). A reconsideration that "
            "upholds after a quashing panel records the school budget adjustment. The answer is the "
            "exclusion with what the route waits for next and any budget adjustment. An outcome the step "
            "cannot have is an error keyed `outcome`; a step out of order, `detail`."
        ),
        request=ReviewStepInputSerializer,
        responses={201: ExclusionSerializer, 400: OpenApiResponse(ERROR), 403: OpenApiResponse(ERROR)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        exclusion = exclusions_visible_to(user).select_related("school").filter(pk=pk).first()
        if exclusion is None:
            raise NotFound("No such exclusion")
        if not can_record_board(user, exclusion):
            raise PermissionDenied("Only the excluding school or Access to Education can record this.")
        incoming = ReviewStepInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            services.review_step_record(
                exclusion=exclusion,
                actor=user,
                step=ReviewStep(data["step"]),
                on=data["on"],
                outcome=ReviewOutcome(data["outcome"]) if data["outcome"] else None,
                notice_sent_on=data["notice_sent_on"],
                notice_by_post=data["notice_by_post"],
                note=data.get("note", ""),
            )
        except CaseworkError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        exclusion.refresh_from_db()
        return Response(ExclusionSerializer(exclusion).data, status=status.HTTP_201_CREATED)


class ConsiderationSerializer(serializers.ModelSerializer[Consideration]):
    child = serializers.IntegerField(source="child_id", read_only=True)

    class Meta:
        model = Consideration
        fields = [
            "id",
            "child",
            "academic_year",
            "term",
            "reached_on",
            "sessions",
            "window_start",
            "decision",
            "reason",
            "decided_at",
        ]
        read_only_fields = fields


class DecisionInputSerializer(StrictSerializer):
    decision = serializers.ChoiceField(
        choices=Consideration.Decision.values,
        error_messages={
            "invalid_choice": "The decision must be one of " + ", ".join(Consideration.Decision.values)
        },
    )
    reason = text_field("the reason", required=False, max_length=2000, allow_blank=True)


class ConsiderationList(LogsChildrenShown, ApiView):
    """``GET``: penalty-notice considerations, undecided first."""

    api_scopes = {"GET": ("penalties",)}

    serializer_class = ConsiderationSerializer
    shown_what = "API penalty-notice considerations"

    def get_queryset(self) -> QuerySet[Consideration]:
        return considerations_visible_to(signed_in_user(self.request)).order_by(
            "-decision", "reached_on", "pk"
        )

    @extend_schema(
        summary="List penalty-notice considerations", responses={200: ConsiderationSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        if not can_decide_penalties(signed_in_user(request)):
            raise PermissionDenied("Only the Access to Education team decides penalty notices.")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ConsiderationSerializer(page, many=True).data)


class ConsiderationDecide(ApiView):
    """``POST``: record the decision on one consideration."""

    api_scopes = {"POST": ("penalties",)}

    serializer_class = DecisionInputSerializer

    @extend_schema(
        summary="Decide a penalty-notice consideration",
        description="Once per consideration; no_action needs a reason.",
        request=DecisionInputSerializer,
        responses={200: ConsiderationSerializer, 400: OpenApiResponse(ERROR), 403: OpenApiResponse(ERROR)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        if not can_decide_penalties(user):
            raise PermissionDenied("Only the Access to Education team decides penalty notices.")
        consideration = considerations_visible_to(user).filter(pk=pk).first()
        if consideration is None:
            raise NotFound("No such consideration")
        incoming = DecisionInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            decided = services.consideration_decide(
                consideration=consideration,
                actor=user,
                decision=incoming.validated_data["decision"],
                reason=incoming.validated_data["reason"],
            )
        except CaseworkError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ConsiderationSerializer(decided).data)
