"""Home-education pages, under /home-education/."""

from django.urls import path

from rollcall.homeeducation import letter_views, register_views, views

app_name = "homeeducation"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("new/", views.record_new, name="new"),
    path("records/<int:pk>/education/", views.education_edit, name="education"),
    path("records/<int:pk>/contacts/new/", views.contact_new, name="contact-new"),
    path("records/<int:pk>/evidence/new/", views.evidence_new, name="evidence-new"),
    path("records/<int:pk>/judgement/", views.judgement_new, name="judgement"),
    path("records/<int:pk>/consent/", views.consent_new, name="consent"),
    path("records/<int:pk>/notices/<str:step>/", views.notice_new, name="notice-new"),
    path("records/<int:pk>/prosecution/", views.prosecution_new, name="prosecution"),
    path("letters/<int:pk>/", views.letter, name="letter"),
    path("letters/<int:pk>.pdf", views.letter_pdf, name="letter-pdf"),
    path("letters/<int:pk>/post/", views.letter_post, name="letter-post"),
    path("letter-templates/", letter_views.letter_template_list, name="letter-templates"),
    path("letter-templates/<str:kind>/", letter_views.letter_template_edit, name="letter-template"),
    path("tell-us/", views.notify_public, name="notify"),
    path("register/", views.register_page, name="register"),
    path("register.csv", views.register_csv, name="register-csv"),
    path("register.xlsx", views.register_xlsx, name="register-xlsx"),
    path("notifications/", views.notification_list, name="notifications"),
    path("part-time/", register_views.arrangement_list, name="arrangements"),
    path("part-time/new/", register_views.arrangement_new, name="arrangement-new"),
    path("part-time/<int:pk>/", register_views.arrangement_detail, name="arrangement"),
    path("part-time/<int:pk>/end/", register_views.arrangement_end, name="arrangement-end"),
    path(
        "part-time/<int:pk>/requests/new/",
        register_views.arrangement_request_new,
        name="arrangement-request-new",
    ),
    path("records/<int:pk>/requests/new/", register_views.record_request_new, name="request-new"),
    path("requests/", register_views.request_list, name="requests"),
    path("requests/<int:pk>/answer/", register_views.request_answer, name="request-answer"),
    path("notifications/<int:pk>/", views.notification_detail, name="notification"),
]
