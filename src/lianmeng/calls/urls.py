"""Call pages: public list and detail, staff management."""

app_name = "calls"
urlpatterns: list = []
