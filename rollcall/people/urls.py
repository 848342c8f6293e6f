from django.urls import path

from rollcall.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.child_detail, name="child"),
]
