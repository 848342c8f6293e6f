from django.urls import path

from rollcall.transfers import views

app_name = "transfers"

urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("partners/", views.partners, name="partners"),
    path("cases/<int:case_id>/send/", views.transfer_new, name="send"),
    path("incoming/<int:pk>/", views.incoming_detail, name="incoming"),
    path("<int:pk>/withdraw/", views.transfer_withdraw_view, name="withdraw"),
    path("<int:pk>/letter.pdf", views.transfer_letter, name="letter"),
    path("<int:pk>/ctf.xml", views.transfer_ctf, name="ctf"),
]
