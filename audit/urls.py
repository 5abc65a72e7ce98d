from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("log/", views.security_log, name="security_log"),
    path("log/export/", views.security_log_export, name="security_log_export"),
    path("trail/", views.trail, name="trail"),
]
