"""Action-plan pages, under /action-plans/."""

from django.urls import path

from rollcall.actionplans import views

app_name = "actionplans"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.complaint_new, name="complaint-new"),
    path("<int:pk>/", views.complaint_detail, name="complaint"),
    path("<int:pk>/edit/", views.complaint_edit, name="complaint-edit"),
    path("<int:pk>/actions/new/", views.action_new, name="action-new"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action-edit"),
    path("actions/<int:pk>/updates/new/", views.update_add, name="update-add"),
    path("actions/<int:pk>/evidence/new/", views.evidence_add, name="evidence-add"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence-file"),
    path("overdue/", views.overdue_list, name="overdue"),
    path("scrutiny/", views.scrutiny, name="scrutiny"),
    path("scrutiny/report.pdf", views.scrutiny_pdf, name="scrutiny-pdf"),
    path("scrutiny/report.xlsx", views.scrutiny_xlsx, name="scrutiny-xlsx"),
]
