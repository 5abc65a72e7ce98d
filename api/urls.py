from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import problems, views

app_name = "api"

router = SimpleRouter()
router.register("v1/units", views.UnitViewSet, basename="unit")
router.register("v1/posts", views.PostViewSet, basename="post")
router.register("v1/checklists", views.ChecklistViewSet, basename="checklist")
router.register("v1/duties", views.DutyViewSet, basename="duty")
router.register("v1/assignments", views.AssignmentViewSet, basename="assignment")
router.register("v1/periods", views.PeriodViewSet, basename="period")
router.register("v1/reports", views.ReportViewSet, basename="report")
router.register("v1/scores", views.ScoreViewSet, basename="score")
router.register("v1/rectifications", views.RectificationViewSet, basename="rectification")
router.register("v1/notices", views.NoticeViewSet, basename="notice")
router.register("v1/notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("v1/summary/", views.SummaryView.as_view(), name="summary"),
    *router.urls,
    re_path(r"^.*$", problems.not_found),
]
