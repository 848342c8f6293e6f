"""Action plans in the Django admin, read-mostly: changes go through the pages (and services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rollcall.actionplans.models import Action, ActionPlanSettings, ActionUpdate, Complaint, Evidence


@admin.register(ActionPlanSettings)
class ActionPlanSettingsAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["__str__", "escalate_after_school_days"]


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["reference", "title", "council_named_in_source", "decision_on"]
    search_fields = ["reference", "title"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["complaint", "number", "owner_title", "due_on", "status", "rag"]
    list_filter = ["status", "rag"]
    # Status and RAG come from the updates; they are never typed in here.
    readonly_fields = ["status", "rag", "reminded_for", "escalated_for"]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Updates are append-only: the admin may read them, never change or delete them."""

    list_display = ["action", "effective_on", "status", "rag", "author", "transcribed"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "action", "added_at", "added_by"]
