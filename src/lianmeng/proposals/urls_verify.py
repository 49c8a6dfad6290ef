"""The public verification page (urls_verify), mounted at the site root.

Its URL names have been ``documents:verify_form`` and ``documents:verify`` since the page was
the documents app's; they stay so.
"""

from django.urls import path

from . import views_verify

app_name = "documents"
urlpatterns = [
    path("verify/", views_verify.verify_form, name="verify_form"),
    path("verify/<str:code>", views_verify.verify, name="verify"),
]
