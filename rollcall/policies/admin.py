"""Policies in the Django admin, with their change history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rollcall.policies.models import CirculationCampaign, Policy, PolicyVersion


@admin.register(Policy)
class PolicyAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["title", "owner", "review_date"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(PolicyVersion)
class PolicyVersionAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ["policy", "number", "published_at"]


@admin.register(CirculationCampaign)
class CirculationCampaignAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["version", "audience", "sent_on", "acknowledge_by", "next_due"]
