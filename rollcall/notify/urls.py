from django.urls import path

from rollcall.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.message_detail, name="message"),
    path("notify/delivery-status/", views.delivery_status_callback, name="notify-delivery-status"),
    path("notify/returned-letter/", views.returned_letter_callback, name="notify-returned-letter"),
]
