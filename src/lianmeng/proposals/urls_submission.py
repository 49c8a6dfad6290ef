"""Submission URLs under /proposals/: submit, withdraw, versions and their PDFs."""

from django.urls import path

from . import views_submission as views

urlpatterns = [
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/versions/", views.versions, name="versions"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:pk>/versions/<int:number>/pdf", views.version_pdf, name="version_pdf"),
]
