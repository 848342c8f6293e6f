"""The school's returns, under /schools/ beside the portal (the addresses schools already use)."""

from django.urls import path

from rollcall.returns import views

app_name = "returns"
urlpatterns = [
    path("removals/new/", views.removal_new, name="removal-new"),
    path("removals/<int:pk>/", views.removal_done, name="removal-done"),
    path("new-pupils/new/", views.new_pupil, name="new-pupil"),
]
