"""URLs of insight."""

from django.urls import path  # noqa: F401

app_name = "insight"

urlpatterns: list = []
