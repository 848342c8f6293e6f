"""Attendance in the Django admin: to look at imports and records, not to change them.

Marks change only through an import (services.import_run), so every change has a file, a
SHA-256 and an error report behind it; the admin is read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rollcall.attendance.models import AttendanceImport, PupilMarks


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AttendanceImport)
class AttendanceImportAdmin(_ReadOnly):
    list_display = [
        "pk",
        "original_name",
        "format",
        "school",
        "status",
        "rows_read",
        "error_count",
        "created_at",
    ]
    list_filter = ["status", "format"]
    search_fields = ["original_name", "sha256", "school__name", "school__urn"]
    list_select_related = ["school"]
    date_hierarchy = "created_at"


@admin.register(PupilMarks)
class PupilMarksAdmin(_ReadOnly):
    list_display = [
        "child",
        "school",
        "academic_year",
        "persistent",
        "severe",
        "evaluated_as_of",
        "updated_at",
    ]
    list_filter = ["academic_year", "persistent", "severe"]
    search_fields = ["child__upn", "school__urn"]
    list_select_related = ["child", "school"]
    raw_id_fields = ["child", "school", "last_import"]
