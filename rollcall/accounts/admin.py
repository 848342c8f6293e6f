"""Administrators manage users, teams and memberships here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from rollcall.accounts.models import Membership, Team, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    autocomplete_fields = ["school"]


@admin.register(User)
class RollCallUserAdmin(UserAdmin[User]):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    fieldsets = (*UserAdmin.fieldsets, ("Work", {"fields": ("job_title", "phone")}))  # type: ignore[misc]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "kind", "email"]
