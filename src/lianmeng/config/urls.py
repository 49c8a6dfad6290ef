"""Root URLs. Every view declares its access (lianmeng.core.access); the API authenticates itself."""

from django.urls import include, path

from lianmeng.api.urls import api
from lianmeng.web import views as web_views

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/setlang/", web_views.set_language, name="set_language"),
    path("proposals/", include("lianmeng.proposals.urls")),
    path("", include("lianmeng.calls.urls")),
    path("", include("lianmeng.documents.urls")),
    path("", include("lianmeng.reviews.urls")),
    path("", include("lianmeng.experts.urls")),
    path("", include("lianmeng.alliances.urls")),
    path("", include("lianmeng.web.urls")),
]

handler403 = "lianmeng.web.views.permission_denied"
handler404 = "lianmeng.web.views.page_not_found"
handler500 = "lianmeng.web.views.server_error"
