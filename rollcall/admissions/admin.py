from django.contrib import admin

from rollcall.admissions.models import (
    AdmissionSettings,
    Application,
    DeferredPlace,
    FairAccessReferral,
    PutOnRollRequest,
)


@admin.register(AdmissionSettings)
class AdmissionSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The timescales and the standard letter templates, edited by an administrator."""

    def has_add_permission(self, request: object) -> bool:
        return not AdmissionSettings.objects.exists()

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("child", "received_on", "status", "vulnerable", "rating")
    readonly_fields = ("vulnerable", "rating", "reasons", "assessed_at", "case")
    raw_id_fields = ("child", "created_by")


admin.site.register(PutOnRollRequest)
admin.site.register(FairAccessReferral)
admin.site.register(DeferredPlace)
