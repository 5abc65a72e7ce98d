from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("reports/<int:pk>/", views.report_detail, name="report"),
]
