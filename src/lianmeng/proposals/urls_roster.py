"""Editor URLs (urls_roster)."""

urlpatterns: list = []
