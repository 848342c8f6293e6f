from django.urls import path

from rollcall.casework import break_glass_views, merge_views
from rollcall.casework import child_views as views

app_name = "children"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.child_detail, name="child"),
    path("<int:pk>/break-the-glass/", break_glass_views.break_glass, name="break-glass"),
    path("break-the-glass/", break_glass_views.break_glass_report, name="break-glass-report"),
    path("break-the-glass.csv", break_glass_views.break_glass_csv, name="break-glass-csv"),
    path("duplicates/", merge_views.duplicate_queue, name="duplicates"),
    path("duplicates/<int:pk>/", merge_views.duplicate_review, name="duplicate"),
    path("duplicates/<int:pk>/merge/", merge_views.duplicate_merge, name="duplicate-merge"),
    path("merges/<int:pk>/undo/", merge_views.merge_undo, name="merge-undo"),
]
