"""URLs of insight (urls_dashboard)."""

urlpatterns: list = []
