from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/new/", views.rectification_new, name="rectification_new"),
    path("rectifications/new/report/<int:report_id>/", views.raise_from_report, name="raise_from_report"),
    path("rectifications/new/finding/<int:finding_id>/", views.raise_from_finding, name="raise_from_finding"),
    path("rectifications/new/notice/<int:notice_id>/", views.raise_from_notice, name="raise_from_notice"),
    path("rectifications/<int:pk>/", views.rectification, name="rectification"),
    path("rectifications/<int:pk>/done/", views.report_done, name="report_done"),
    path("rectifications/<int:pk>/verify/", views.verify, name="verify"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/reply/", views.reply, name="reply"),
    path("notices/<int:pk>/settle/", views.settle, name="settle"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("handovers/", views.handover_list, name="handovers"),
    path("units/reorganize/", views.reorganize, name="reorganize"),
]
