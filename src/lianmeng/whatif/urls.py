"""URLs of whatif."""

from django.urls import path  # noqa: F401

app_name = "whatif"

urlpatterns: list = []
