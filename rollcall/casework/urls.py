from django.urls import path

from rollcall.casework import carer_views, views

app_name = "casework"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/enquiries/new/", views.enquiry_record, name="enquiry-record"),
    path("<int:pk>/notes/new/", views.note_add, name="note-add"),
    path("<int:pk>/tasks/new/", views.task_add, name="task-add"),
    path("<int:pk>/tasks/<int:task_pk>/done/", views.task_complete, name="task-complete"),
    path("<int:pk>/move/<slug:target>/", views.case_move, name="case-move"),
    path("<int:pk>/reassign/", views.case_assign, name="case-assign"),
    path("<int:pk>/carers/<int:carer_pk>/contact/", carer_views.carer_contact, name="carer-contact"),
    path("<int:pk>/carers/<int:carer_pk>/message/", carer_views.carer_message, name="carer-message"),
]
