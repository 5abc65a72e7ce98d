from django.urls import path

from . import views

app_name = "scoring"
urlpatterns = [
    path("", views.scores, name="scores"),
    path("<int:period_pk>/<str:unit_code>/", views.unit_score, name="unit_score"),
    path("rules/", views.rules, name="rules"),
    path("bonuses/", views.bonuses, name="bonuses"),
    path("bonuses/<int:pk>/revoke/", views.bonus_revoke, name="bonus_revoke"),
]
