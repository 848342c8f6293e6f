"""A policy's details through the API: read them with their version, change them without losing
anyone else's change (issue 11).

``GET /api/v1/policies/<id>/`` answers the details with the version, also as an ``ETag``.
``PATCH`` changes the details given; it needs the version read, as ``If-Match: "<version>"`` (412
when stale) or ``"version"`` in the body (409 when stale). Either way a stale change saves
nothing and the answer says what changed. The same access rules and service as the pages: staff
read, the policy's managers change (``rollcall.policies.access``, ``services.policy_change``).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.api_base import VERSION_HELP, ApiView, StrictSerializer, etag, if_match_version
from rollcall.concurrency import EditConflict
from rollcall.policies import access
from rollcall.policies.models import Policy
from rollcall.policies.services import PolicyError, policy_change


class PolicySerializer(serializers.ModelSerializer[Policy]):
    owner = serializers.CharField(source="owner.username")

    class Meta:
        model = Policy
        fields = (
            "id",
            "title",
            "summary",
            "owner",
            "local_offer_url",
            "review_date",
            "audience_note",
            "version",
        )


class PolicyChangeSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), required=False
    )
    local_offer_url = serializers.URLField(required=False, allow_blank=True)
    review_date = serializers.DateField(required=False, allow_null=True)
    audience_note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


class ConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    changes = serializers.ListField(child=serializers.DictField())
    current = PolicySerializer()


def _policy_for(user: User, pk: int) -> Policy:
    if user.is_school_user or not access.can_read_policies(user):
        raise PermissionDenied("Policy records are for council staff.")
    policy = Policy.objects.select_related("owner").filter(pk=pk).first()
    if policy is None:
        raise NotFound("No such policy.")
    return policy


class PolicyDetail(ApiView):
    api_scopes = {"GET": ("policies:read",), "PATCH": ("policies:write",)}
    serializer_class = PolicySerializer

    @extend_schema(responses={200: PolicySerializer})
    def get(self, request: Request, pk: int) -> Response:
        policy = _policy_for(signed_in_user(request), pk)
        response = Response(PolicySerializer(policy).data)
        response["ETag"] = etag(policy.version)
        return response

    @extend_schema(
        request=PolicyChangeSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match", str, OpenApiParameter.HEADER, required=False, description="The ETag you read."
            )
        ],
        responses={
            200: PolicySerializer,
            400: OpenApiResponse(description="A field is wrong, or no version was given."),
            403: OpenApiResponse(description="Only the policy's managers change it."),
            409: OpenApiResponse(ConflictSerializer, description="Changed since the version in the body."),
            412: OpenApiResponse(ConflictSerializer, description="Changed since the If-Match version."),
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = signed_in_user(request)
        policy = _policy_for(user, pk)
        if not access.can_manage_policy(user, policy):
            raise PermissionDenied(
                "Only an administrator, a head of service or the policy's owner can do that."
            )
        data = PolicyChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if_match = if_match_version(request.headers.get("If-Match"))
        body_version = values.pop("version", None)
        expected = if_match if if_match is not None else body_version
        if expected is None:
            raise ValidationError({"version": ["Give the version you read, or send If-Match with the ETag."]})
        try:
            policy = policy_change(policy=policy, actor=user, expected_version=expected, **values)
        except EditConflict as stale:
            current = Policy.objects.select_related("owner").get(pk=pk)
            refused = Response(
                {
                    "detail": str(stale),
                    "changes": [{"field": c.label, "was": c.was, "now": c.now} for c in stale.changes],
                    "current": PolicySerializer(current).data,
                },
                status=status.HTTP_412_PRECONDITION_FAILED
                if if_match is not None
                else status.HTTP_409_CONFLICT,
            )
            refused["ETag"] = etag(current.version)
            return refused
        except PolicyError as error:
            raise ValidationError({"detail": str(error)}) from None
        response = Response(PolicySerializer(policy).data)
        response["ETag"] = etag(policy.version)
        return response
