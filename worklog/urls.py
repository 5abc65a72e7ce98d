from django.urls import path

from . import views

app_name = "worklog"
urlpatterns = [
    path("", views.record_list, name="record_list"),
]
