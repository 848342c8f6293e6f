"""Health-needs pages, under /health/."""

from django.urls import path

from rollcall.health import views

app_name = "health"
urlpatterns = [
    path("reports/new/", views.report_new, name="report-new"),
    path("reports/<int:pk>/", views.report_done, name="report-done"),
    path("cases/<int:case_pk>/referral/", views.referral_new, name="referral-new"),
    path("cases/<int:case_pk>/provision/", views.provision_started, name="provision-started"),
    path("cases/<int:case_pk>/contact/", views.contact_change, name="contact-change"),
    path("cases/<int:case_pk>/check-ins/new/", views.checkin_new, name="checkin-new"),
    path("cases/<int:case_pk>/reintegration/", views.reintegration_new, name="reintegration-new"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>.pdf", views.referral_pdf, name="referral-pdf"),
    path("letters/<int:pk>/", views.letter, name="letter"),
    path("sen-panel/", views.sen_panel, name="sen-panel"),
    path("sen-panel/new/", views.sen_panel_new, name="sen-panel-new"),
]
