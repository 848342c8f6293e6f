from django.urls import path

from rollcall.casework import child_views as views

app_name = "children"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.child_detail, name="child"),
]
