from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rollcall.dataprotection.models import RetentionSettings


@admin.register(RetentionSettings)
class RetentionSettingsAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    """The retention schedule, edited by an administrator (docs/retention.md gives each default's
    source). Check the retention report after any change: the next sweep acts on it."""

    def has_add_permission(self, request: object) -> bool:
        return not RetentionSettings.objects.exists()

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
