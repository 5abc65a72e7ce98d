from django.urls import path

from . import views

app_name = "appraisals"
urlpatterns = [
    path("mine/", views.my_appraisal, name="my_appraisal"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/participants/", views.round_participants, name="participants"),
    path("rounds/<int:pk>/open/", views.round_transition, {"action": "open"}, name="open"),
    path("rounds/<int:pk>/close/", views.round_transition, {"action": "close"}, name="close"),
    path("rounds/<int:pk>/publish/", views.round_transition, {"action": "publish"}, name="publish"),
    path("rounds/<int:pk>/rate/", views.rate, name="rate"),
    path("rounds/<int:pk>/results/", views.results, name="results"),
    path("rounds/<int:pk>/results.xlsx", views.results_export, name="results_export"),
    path("secretaries/<int:pk>/", views.report, name="report"),
    path("secretaries/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("secretaries/<int:pk>/result/", views.result, name="result"),
    path("secretaries/<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
