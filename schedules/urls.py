from django.urls import path

from . import views

app_name = "schedules"
urlpatterns = [
    path("", views.periods, name="periods"),
    path("<int:pk>/edit/", views.period_edit, name="period_edit"),
    path("<int:pk>/run/", views.period_action, name="period_action"),
    path("runs/<int:pk>/", views.job_run, name="job_run"),
]
