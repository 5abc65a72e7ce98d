from django.urls import path

from . import views

app_name = "worklog"
urlpatterns = [
    path("", views.record_list, name="records"),
    path("new/", views.record_new, name="record_new"),
    path("<int:pk>/", views.record_detail, name="record"),
    path("<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("<int:pk>/files/", views.record_files, name="record_files"),
    path("files/<int:pk>/", views.record_file, name="record_file"),
    path("import/", views.import_ledger, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
