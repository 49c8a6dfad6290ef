"""URLs of insight (urls_overlap)."""

urlpatterns: list = []
