"""Administrators maintain term dates and closure days; schools come from the register import."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rollcall.schools.models import ClosureDay, School, TermDate


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["name", "urn", "la_code", "establishment_number", "phase", "status_name"]
    search_fields = ["name", "urn"]


@admin.register(TermDate)
class TermDateAdmin(admin.ModelAdmin[TermDate]):
    list_display = ["academic_year", "name", "start", "end"]
    list_filter = ["academic_year"]


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin[ClosureDay]):
    list_display = ["date", "reason"]
