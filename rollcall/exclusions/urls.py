"""Exclusion and penalty-notice pages, under /exclusions/."""

from django.urls import path

from rollcall.exclusions import views

app_name = "exclusions"
urlpatterns = [
    path("", views.exclusion_list, name="exclusions"),
    path("new/", views.exclusion_new, name="exclusion-new"),
    path("<int:pk>/", views.exclusion_detail, name="exclusion"),
    path("penalty-notices/ask/", views.penalty_request_new, name="penalty-request"),
    path("penalty-notices/", views.consideration_list, name="considerations"),
    path("penalty-notices/<int:pk>/", views.consideration_detail, name="consideration"),
    path("support-meetings/", views.support_meeting_list, name="support-meetings"),
    path("support-meetings/<int:pk>/", views.support_meeting_detail, name="support-meeting"),
]
