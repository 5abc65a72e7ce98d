from django.urls import path

from . import oversight_views, views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("ranking/", views.ranking, name="ranking"),
    path("records/", views.compliance, name="compliance"),
    path("reports/", views.reports, name="reports"),
    path("rectifications/", oversight_views.rectifications, name="rectifications"),
    path("notices/", oversight_views.notices, name="notices"),
    path("follow-up/", oversight_views.follow_up_panel, name="follow_up"),
    path("exports/", views.exports_panel, name="exports"),
    path("exports/new/", views.export_create, name="export_create"),
    path("exports/<uuid:token>/", views.export_download, name="export_download"),
]
