"""URLs of insight: the dashboard (urls_dashboard) and the overlap and chain analysis (urls_overlap)."""

from . import urls_dashboard, urls_overlap

app_name = "insight"

urlpatterns = [*urls_dashboard.urlpatterns, *urls_overlap.urlpatterns]
