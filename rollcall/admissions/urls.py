from django.urls import URLPattern, path

from rollcall.admissions import api, views
from rollcall.admissions.models import PutOnRollRequest
from rollcall.audit.services import child_of, child_record

app_name = "admissions"
urlpatterns: list[URLPattern] = [
    path("", views.checkoff, name="checkoff"),
    path("export.csv", views.checkoff_csv, name="checkoff_csv"),
    path("export.xlsx", views.checkoff_xlsx, name="checkoff_xlsx"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/offer/", views.offer_new, name="offer_new"),
    path("applications/<int:pk>/waiting/", views.waiting_new, name="waiting_new"),
    path("requests/<int:pk>/", views.request_print, name="request_print"),
    path("requests/<int:pk>/letter/", views.letter_print, name="letter_print"),
    path("requests/<int:pk>/contact/", views.contact_new, name="contact_new"),
    path("school/", views.school_list, name="school_list"),
    path("school/requests/<int:pk>/", views.school_request, name="school_request"),
    path("fair-access/", views.fair_access, name="fair_access"),
    path("fair-access/new/", views.fair_access_new, name="fair_access_new"),
    path("fair-access/<int:pk>/", views.fair_access_detail, name="fair_access_detail"),
    path("waiting/", views.waiting, name="waiting"),
    path("deferred/", views.deferred, name="deferred"),
    # Deprecated aliases of /api/v1/admissions/… (rollcall/api/urls.py), for systems set up before it.
    path("api/v1/requests/", api.RequestListDeprecated.as_view(), name="api_requests"),
    path(
        "api/v1/requests/<int:pk>/confirm/",
        # A POST: its answer is the school's own; a refusal (403/404) is logged naming the child.
        child_record("API put-on-roll answer", child_of(PutOnRollRequest), shown=False)(
            api.RequestConfirmDeprecated.as_view()
        ),
        name="api_request_confirm",
    ),
]
