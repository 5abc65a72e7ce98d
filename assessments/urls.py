from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("mine/", views.my_reports, name="my_reports"),
    path("review/", views.review_queue, name="review_queue"),
    path("liaison-units/", views.my_liaisons, name="my_liaisons"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/file/", views.report_file, name="report_file"),
    path("reports/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/reopen/", views.report_reopen, name="report_reopen"),
    path("reports/<int:pk>/waive/", views.report_waive, name="report_waive"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("outside-reviews/", views.outside_reviews, name="outside_reviews"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/reply/", views.task_reply, name="task_reply"),
    path("tasks/<int:pk>/settle/", views.task_settle, name="task_settle"),
    path("tasks/files/<int:pk>/", views.task_file, name="task_file"),
]
