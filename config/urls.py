from django.contrib import admin
from django.urls import include, path

from core import views as core_views
from responsibilities.views import home

urlpatterns = [
    path("healthz/", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("responsibilities/", include("responsibilities.urls")),
    path("assessments/", include("assessments.urls")),
    path("notifications/", include("notifications.urls")),
    path("periods/", include("schedules.urls")),
    path("scores/", include("scoring.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("appraisals/", include("appraisals.urls")),
    path("oversight/", include("oversight.urls")),
    path("records/", include("worklog.urls")),
    path("honours/", include("honours.urls")),
    path("api/tokens/", include("api.token_urls")),
    path("api/", include("api.urls")),
    path("accounts/", include("accounts.people_urls")),
    path("security/", include("audit.urls")),
    path("", home, name="home"),
    path("", include("accounts.urls")),
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
