"""Administrators set the council's timescales here (each change is kept in its history)."""

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from rollcall.casework.models import RuleSettings


@admin.register(RuleSettings)
class RuleSettingsAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["__str__", "first_enquiry_school_days", "enquiries_complete_school_days"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not RuleSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
