from django.urls import path

from rollcall.rolls import views

app_name = "rolls"
urlpatterns = [
    path("<str:urn>/rolls/", views.school_rolls, name="school"),
]
