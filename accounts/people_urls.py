from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.people, name="people"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/password/", views.person_password, name="person_password"),
    path("<int:pk>/unlock/", views.person_unlock, name="person_unlock"),
]
