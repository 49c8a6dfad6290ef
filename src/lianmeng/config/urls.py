"""Root URLs. Every view declares its access (lianmeng.core.access); the API authenticates itself."""

from django.urls import include, path

from lianmeng.api.urls import api
from lianmeng.calls import urls as call_urls
from lianmeng.proposals import urls_apply
from lianmeng.web import views as web_views

urlpatterns = [
    path("", include("lianmeng.web.urls_health")),  # /healthz, /readyz (docs/operations.md)
    path("api/v1/", api.urls),
    path("i18n/setlang/", web_views.set_language, name="set_language"),
    path("proposals/", include("lianmeng.proposals.urls")),
    # 在线申报 opens a proposal (proposals app) from a call's page: its URL stays ``calls:apply``
    path("", include((call_urls.urlpatterns + urls_apply.urlpatterns, call_urls.app_name))),
    path("", include("lianmeng.proposals.urls_verify")),
    path("", include("lianmeng.reviews.urls")),
    path("", include("lianmeng.experts.urls")),
    path("", include("lianmeng.alliances.urls")),
    path("", include("lianmeng.running.urls")),
    path("", include("lianmeng.construction.urls")),
    path("", include("lianmeng.reporting.urls")),
    path("", include("lianmeng.evaluation.urls")),
    path("", include("lianmeng.rewards.urls")),
    path("", include("lianmeng.notices.urls")),
    path("", include("lianmeng.ipbase.urls")),
    path("", include("lianmeng.projects.urls")),
    path("", include("lianmeng.whatif.urls")),
    path("", include("lianmeng.insight.urls")),
    path("", include("lianmeng.schedule.urls")),
    path("", include("lianmeng.jobs.urls")),
    path("", include("lianmeng.web.urls")),
]

handler403 = "lianmeng.ui.errors.permission_denied"
handler404 = "lianmeng.ui.errors.page_not_found"
handler500 = "lianmeng.ui.errors.server_error"
