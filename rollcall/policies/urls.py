from django.urls import path

from rollcall.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.policy_list, name="list"),
    path("new/", views.policy_new, name="new"),
    path("<int:pk>/", views.policy_detail, name="policy"),
    path("<int:pk>/edit/", views.policy_edit, name="edit"),
    path("<int:pk>/versions/new/", views.version_new, name="version-new"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:pk>/versions/<int:number>/file/", views.version_file, name="version-file"),
    path("<int:pk>/versions/<int:number>/publish/", views.version_publish, name="version-publish"),
    path("<int:pk>/send/", views.campaign_new, name="campaign-new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/outstanding.csv", views.campaign_csv, name="campaign-csv"),
    path("acknowledge/", views.acknowledge_list, name="acknowledge-list"),
    path("acknowledge/<int:pk>/", views.acknowledge_read, name="acknowledge-read"),
    path("acknowledge/<int:pk>/confirm/", views.acknowledge, name="acknowledge"),
    path("acknowledge/<int:pk>/file/", views.acknowledged_file, name="acknowledge-file"),
    path("published/", views.published_list, name="published"),
    path("published/<slug:slug>/", views.published_detail, name="published-detail"),
    path("published/<slug:slug>/file/", views.published_file, name="published-file"),
]
