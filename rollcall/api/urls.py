"""Every API route, under /api/v1/ with one OpenAPI schema; each area's views live in its api.py.

Versioned paths (/api/v1/…) so a later version can sit beside this one.

Every view here is ``login_not_required`` for the site's sign-in middleware, which cannot see API
tokens, and requires authentication through DRF instead (401 with a JSON body, not a redirect).
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from rollcall.admissions import api as admissions_api
from rollcall.admissions.models import PutOnRollRequest
from rollcall.api import views
from rollcall.api_base import ApiChecks
from rollcall.attendance import api as attendance_api
from rollcall.audit.services import child_of, child_record, the_child
from rollcall.casework.models import Case
from rollcall.exclusions import api as exclusions_api
from rollcall.exclusions.models import Consideration, Exclusion
from rollcall.homeeducation import api as homeeducation_api
from rollcall.homeeducation.models import EHERecord
from rollcall.policies import api as policies_api
from rollcall.returns import api as returns_api
from rollcall.rolls import api as rolls_api
from rollcall.transfers import api as transfers_api

app_name = "api"


class SchemaView(ApiChecks, SpectacularAPIView):
    """The OpenAPI schema, counted and scope-checked like every other API call."""

    permission_classes = [IsAuthenticated]
    api_scopes = {"GET": ("schema",)}


urlpatterns = [
    # The OpenAPI 3 schema (YAML; ?format=json for JSON). No docs UI: the usual ones load their
    # scripts from a CDN, which our content security and offline servers do not allow.
    path(
        "schema/",
        login_not_required(SchemaView.as_view()),
        name="schema",
    ),
    path("v1/removals/", returns_api.RemovalNoticeListCreate.as_view(), name="removals"),
    path("v1/new-pupils/", returns_api.NewPupilCreate.as_view(), name="new-pupils"),
    path("v1/attendance-returns/", returns_api.AttendanceReturnCreate.as_view(), name="attendance-returns"),
    path("v1/returns/", returns_api.SchoolReturnList.as_view(), name="returns"),
    path("v1/schools/<str:urn>/roll/", rolls_api.SchoolRoll.as_view(), name="school-roll"),
    path("v1/cases/", views.CaseList.as_view(), name="cases"),
    # One record about a child: read logged as shown, a 403 or 404 logged as refused.
    path(
        "v1/cases/<int:pk>/",
        child_record("API case", child_of(Case))(views.CaseDetail.as_view()),
        name="case",
    ),
    path(
        "v1/children/<int:pk>/",
        child_record("api child", the_child, shown=False)(views.ChildDetail.as_view()),
        name="child",
    ),
    path("v1/attendance/imports/", attendance_api.ImportListCreate.as_view(), name="attendance-imports"),
    path("v1/attendance/imports/<int:pk>/", attendance_api.ImportDetail.as_view(), name="attendance-import"),
    path("v1/admissions/requests/", admissions_api.RequestList.as_view(), name="admissions-requests"),
    path("v1/policies/<int:pk>/", policies_api.PolicyDetail.as_view(), name="policy"),
    path("v1/exclusions/", exclusions_api.ExclusionListCreate.as_view(), name="exclusions"),
    path(
        "v1/exclusions/<int:pk>/steps/",
        # POST only: a refusal (403/404) is logged naming the child (recording a step is not a read).
        child_record("API exclusion step", child_of(Exclusion), shown=False)(
            exclusions_api.ReviewStepCreate.as_view()
        ),
        name="exclusion-steps",
    ),
    path(
        "v1/exclusions/penalty-considerations/",
        exclusions_api.ConsiderationList.as_view(),
        name="penalty-considerations",
    ),
    path(
        "v1/exclusions/penalty-considerations/<int:pk>/decision/",
        # POST only: a refusal (403/404) is logged naming the child (a decision is not a read).
        child_record("API penalty-notice decision", child_of(Consideration), shown=False)(
            exclusions_api.ConsiderationDecide.as_view()
        ),
        name="penalty-consideration-decide",
    ),
    path("v1/home-education/records/", homeeducation_api.RecordList.as_view(), name="ehe-records"),
    path(
        "v1/home-education/records/<int:pk>/",
        child_record("API home-education record", child_of(EHERecord))(
            homeeducation_api.RecordDetail.as_view()
        ),
        name="ehe-record",
    ),
    path(
        "v1/home-education/notifications/",
        homeeducation_api.NotificationCreate.as_view(),
        name="ehe-notifications",
    ),
    path("v1/transfers/messages/", transfers_api.TransferMessages.as_view(), name="transfer-messages"),
    path(
        "v1/admissions/requests/<int:pk>/confirm/",
        child_record("API put-on-roll answer", child_of(PutOnRollRequest), shown=False)(
            admissions_api.RequestConfirm.as_view()
        ),
        name="admissions-request-confirm",
    ),
]
