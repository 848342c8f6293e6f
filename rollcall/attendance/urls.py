"""Attendance pages, under /attendance/: imports (here) and the absence lists (views_lists.py)."""

from django.urls import path

from rollcall.attendance import views, views_lists

app_name = "attendance"
urlpatterns = [
    path("imports/", views.import_list, name="imports"),
    path("imports/new/", views.import_new, name="import-new"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("absence/", views_lists.absence_overview, name="absence"),
    path("absence/pupils/", views_lists.absence_pupils, name="absence-pupils"),
    path("absence/schools/<int:school_pk>/", views_lists.absence_pupils, name="absence-school"),
    path("possibly-left/", views_lists.possibly_left, name="possibly-left"),
]
