from django.urls import URLPattern, path

from rollcall.reports import views

app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("dashboard/", views.report, {"slug": "dashboard"}, name="dashboard"),
    path("<slug:slug>/", views.report, name="report"),
    path("<slug:slug>/report.xlsx", views.report_xlsx, name="report-xlsx"),
    path("<slug:slug>/report.pdf", views.report_pdf, name="report-pdf"),
    path("<slug:slug>/<slug:table>.csv", views.report_csv, name="report-csv"),
]
