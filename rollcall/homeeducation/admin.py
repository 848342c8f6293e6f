"""Administrators set the council's home-education timescales here (each change is kept in its history)."""

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from rollcall.homeeducation.models import EHESettings


@admin.register(EHESettings)
class EHESettingsAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = [
        "__str__",
        "first_contact_school_days",
        "review_interval_months",
        "preliminary_notice_days",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not EHESettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
