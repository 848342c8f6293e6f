from django.urls import path

from rollcall.dataprotection import views

app_name = "dataprotection"
urlpatterns = [
    path("retention/", views.retention_page, name="retention"),
    path("subject-access/", views.subject_access_new, name="subject-access"),
    path("subject-access/<int:pk>/", views.subject_access_detail, name="subject-access-detail"),
    path("subject-access/<int:pk>/pdf", views.subject_access_pdf, name="subject-access-pdf"),
    path("subject-access/<int:pk>/csv.zip", views.subject_access_zip, name="subject-access-zip"),
]
