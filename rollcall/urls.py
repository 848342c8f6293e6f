"""Roll Call's URLs. Every page needs sign-in unless marked with @login_not_required
(tests/test_urls.py walks this list to prove it)."""

from django.contrib import admin
from django.urls import include, path

from rollcall.accounts.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("rollcall.accounts.urls")),
    path("cases/", include("rollcall.casework.urls")),
    path("children/", include("rollcall.casework.child_urls")),
    path("schools/", include("rollcall.returns.urls")),
    path("schools/", include("rollcall.schools.urls")),
    path("schools/", include("rollcall.rolls.urls")),
    path("admissions/", include("rollcall.admissions.urls")),
    path("health/", include("rollcall.health.urls")),
    path("home-education/", include("rollcall.homeeducation.urls")),
    path("exclusions/", include("rollcall.exclusions.urls")),
    path("transfers/", include("rollcall.transfers.urls")),
    path("policies/", include("rollcall.policies.urls")),
    path("attendance/", include("rollcall.attendance.urls")),
    path("action-plans/", include("rollcall.actionplans.urls")),
    path("reports/", include("rollcall.reports.urls")),
    path("messages/", include("rollcall.notify.urls")),
    path("audit/", include("rollcall.audit.urls")),
    path("data-protection/", include("rollcall.dataprotection.urls")),
    path("api/", include("rollcall.api.urls")),
    path("api-tokens/", include("rollcall.api.token_urls")),
    path("django-admin/", admin.site.urls),
    path("", include("rollcall.operations.urls")),
]
