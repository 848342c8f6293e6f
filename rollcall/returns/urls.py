"""The school's returns, under /schools/ beside the portal (the addresses schools already use)."""

from django.urls import path

from rollcall.returns import claim_views, completeness_views, views

app_name = "returns"
urlpatterns = [
    path("removals/new/", views.removal_new, name="removal-new"),
    path("removals/<int:pk>/", views.removal_done, name="removal-done"),
    path("new-pupils/new/", views.new_pupil, name="new-pupil"),
    path("attendance-returns/new/", views.attendance_return, name="attendance-return"),
    path("returns/to-check/", claim_views.claim_list, name="claims"),
    path("returns/to-check/<int:pk>/", claim_views.claim_detail, name="claim"),
    path("returns/watch/", claim_views.returns_watch, name="watch"),
    path("returns/by-school/", completeness_views.returns_by_school, name="by-school"),
    path("returns/by-school/<str:urn>/", completeness_views.school_returns, name="school-returns"),
    path("returns/owed/", completeness_views.own_returns, name="owed"),
]
