from django.urls import path

from . import views

app_name = "responsibilities"
urlpatterns = [
    path("checklist/", views.checklist, name="checklist"),
    path("matrix/", views.matrix, name="matrix"),
    path("assignments/", views.assignment_list, name="assignments"),
    path("assign/", views.bulk_assign, name="bulk_assign"),
    path("units/", views.units, name="units"),
    path("mine/", views.my_duties, name="my_duties"),
    path("liaisons/", views.liaisons, name="liaisons"),
]
