"""URLs of ipbase."""

from django.urls import path  # noqa: F401

app_name = "ipbase"

urlpatterns: list = []
