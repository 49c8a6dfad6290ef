"""Public document verification (mounted at the site root)."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>", views.verify, name="verify"),
]
