from django.urls import path

from rollcall.rolls import views

app_name = "rolls"
urlpatterns = [
    path("<str:urn>/rolls/", views.school_rolls, name="school"),
    path("<str:urn>/rolls/upload/", views.roll_upload, name="upload"),
    path("<str:urn>/rolls/imports/<int:pk>/", views.roll_import_detail, name="import"),
    path("<str:urn>/rolls/imports/<int:pk>/progress/", views.roll_import_progress, name="import-progress"),
]
