from django.urls import path

from . import views

app_name = "honours"
urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/<slug:action>/", views.round_action, name="round_action"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("year-end/", views.year_end, name="year_end"),
    path("year-end/<uuid:token>/", views.year_end_download, name="year_end_download"),
    path("mine/", views.my_honours, name="mine"),
]
