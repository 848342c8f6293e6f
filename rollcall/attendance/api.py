"""The attendance import API, for school and council information systems (and the import page).

    POST /api/v1/attendance/imports/        multipart: file, format (csv|ctf, optional), school (URN,
                                            council users only, optional) -> 202 and the import's URL
    GET  /api/v1/attendance/imports/        the imports you may see, newest first (paginated)
    GET  /api/v1/attendance/imports/<id>/   status, progress (rows_read, rows_total, rate,
                                            seconds_left), error_count, the first 50 errors, summary

Token authentication as the rest of the API (and the session, for the import page's script).
The same policy as the pages: ``access.can_import`` (403 otherwise) and ``imports_visible_to``
(a school sees only its own imports; 404 for another's); uploads go through
``services.import_create``, which queues the import.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.api_base import ERROR, ApiView
from rollcall.attendance import access, services
from rollcall.attendance.models import AttendanceImport
from rollcall.schools.models import School

API_ERRORS = 50  # errors in the detail response; the import page pages through all that were kept


class CanImport(BasePermission):
    message = (
        "Only schools and the Inclusion, Access to Education and Admissions teams can import attendance."
    )

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return isinstance(user, User) and access.can_import(user)


class ImportSerializer(serializers.ModelSerializer[AttendanceImport]):
    """An import as listed: what was sent, by whom, and how it ended."""

    url = serializers.SerializerMethodField()
    school = serializers.CharField(source="school.urn", allow_null=True, default=None)

    class Meta:
        model = AttendanceImport
        fields: tuple[str, ...] = (
            "id",
            "url",
            "format",
            "original_name",
            "school",
            "status",
            "created_at",
            "started_at",
            "finished_at",
            "rows_read",
            "rows_total",
            "error_count",
        )

    def get_url(self, imp: AttendanceImport) -> str:
        return reverse("api:attendance-import", args=[imp.pk])


class ImportDetailSerializer(ImportSerializer):
    """An import with its progress, errors and summary (what the import page polls)."""

    rate = serializers.SerializerMethodField(help_text="Rows (CSV) or pupils (CTF) read per second.")
    seconds_left = serializers.SerializerMethodField(help_text="An estimate while it runs; 0 once imported.")
    # DRF takes declared fields off the class, so this does not hide Serializer.errors.
    errors = serializers.SerializerMethodField(help_text=f"The first {API_ERRORS}: line, field, message.")  # type: ignore[assignment]
    summary = serializers.JSONField(read_only=True)

    class Meta(ImportSerializer.Meta):
        fields = (*ImportSerializer.Meta.fields, "rate", "seconds_left", "errors", "summary")

    def get_rate(self, imp: AttendanceImport) -> float | None:
        rate = services.import_progress(imp).rate
        return round(rate, 1) if rate is not None else None

    def get_seconds_left(self, imp: AttendanceImport) -> float | None:
        left = services.import_progress(imp).seconds_left
        return round(left, 1) if left is not None else None

    def get_errors(self, imp: AttendanceImport) -> list[dict[str, Any]]:
        return list(imp.errors[:API_ERRORS])


class ImportUploadSerializer(serializers.Serializer[dict[str, Any]]):
    file = serializers.FileField(help_text="The CSV or Common Transfer File (XML).")
    format = serializers.ChoiceField(
        choices=AttendanceImport.Format.choices,
        required=False,
        help_text="csv or ctf; by default from the file's name (.xml is a CTF).",
    )
    school = serializers.CharField(
        required=False,
        help_text="Council users only: the URN of the one school the file is for. A school's file is always its own.",
    )


class ImportListCreate(ApiView):
    """``GET``: the imports you may see. ``POST``: send a file of marks (queued; 202)."""

    api_scopes = {"GET": ("attendance",), "POST": ("attendance",)}

    serializer_class = ImportSerializer
    permission_classes = [IsAuthenticated, CanImport]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[AttendanceImport]:
        return access.imports_visible_to(signed_in_user(self.request)).select_related("school")

    @extend_schema(summary="List attendance imports", responses={200: ImportSerializer(many=True)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ImportSerializer(page, many=True).data)

    @extend_schema(
        summary="Send a file of attendance marks",
        description=(
            "Stores the file and queues its import; poll the returned URL for progress and the outcome. "
            "The file is imported whole or not at all; the same file again changes nothing."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            202: OpenApiResponse(ImportSerializer, description="Stored and queued."),
            400: OpenApiResponse(description="No file, or a field has a value it cannot take."),
            403: OpenApiResponse(description="You may not import attendance."),
            413: OpenApiResponse(description="The file is larger than the sender may send: nothing saved."),
            503: OpenApiResponse(ERROR, description="The file could not be stored (no room): nothing saved."),
        },
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        incoming = ImportUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        upload = data["file"]
        school = user.school
        if school is None and data.get("school"):
            school = School.objects.filter(urn=data["school"].strip()).first()
            if school is None:
                raise ValidationError({"school": ["No school has this URN"]})
        try:
            imp = services.import_create(
                content=upload,
                original_name=upload.name or "marks",
                file_format=services.format_for(upload.name or "", data.get("format")),
                uploaded_by=user,
                school=school,
            )
        except access.ImportRefused:
            raise PermissionDenied(CanImport.message) from None
        except services.FileNotStored as failed:
            return Response({"detail": str(failed)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        except services.UploadRefused as refused:
            return Response({"file": [str(refused)]}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        body = ImportSerializer(imp).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class ImportDetail(ApiView):
    """``GET``: one import's status, progress, errors and summary."""

    api_scopes = {"GET": ("attendance",)}

    serializer_class = ImportDetailSerializer
    permission_classes = [IsAuthenticated, CanImport]

    @extend_schema(
        summary="An attendance import: progress and outcome", responses={200: ImportDetailSerializer}
    )
    def get(self, request: Request, pk: int) -> Response:
        try:
            imp = access.get_import_for_user(signed_in_user(request), pk)
        except access.ImportRefused:
            raise PermissionDenied(CanImport.message) from None
        return Response(ImportDetailSerializer(imp).data)
