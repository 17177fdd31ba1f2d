from django.urls import include, path

from core.views import healthz
from lingyan.api import api

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("orgs.urls")),
    path("audit/", include("audit.urls")),
    path("inbox/", include("notifications.urls")),
    path("orglife/", include("orglife.urls")),
    path("services/", include("services.urls")),
    path("open311/", include("open311.urls")),
    path("incidents/", include("incidents.urls")),
    path("points/", include("points.urls")),
    path("points/", include("points.report_urls")),
    path("", include("core.urls")),
    path("search/", include("search.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
]
