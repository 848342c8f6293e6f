from django.urls import path

from rollcall.schools import views

app_name = "schools"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("removals/new/", views.removal_new, name="removal-new"),
    path("removals/<int:pk>/", views.removal_done, name="removal-done"),
    path("new-pupils/new/", views.new_pupil, name="new-pupil"),
    path("<str:urn>/", views.school_detail, name="school"),
]
