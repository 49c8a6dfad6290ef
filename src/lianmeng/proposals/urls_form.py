"""Editor URLs (urls_form)."""

urlpatterns: list = []
