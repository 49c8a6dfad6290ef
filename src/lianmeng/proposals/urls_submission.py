"""Editor URLs (urls_submission)."""

urlpatterns: list = []
