from django.urls import path

from rollcall.schools import views

app_name = "schools"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("<str:urn>/", views.school_detail, name="school"),
]
