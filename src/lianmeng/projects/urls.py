"""URLs of projects."""

from django.urls import path  # noqa: F401

app_name = "projects"

urlpatterns: list = []
