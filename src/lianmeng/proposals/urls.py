"""The proposal editor and submission, mounted under /proposals/."""

from django.urls import include, path

app_name = "proposals"

urlpatterns = [
    path("", include("lianmeng.proposals.urls_form")),
    path("", include("lianmeng.proposals.urls_roster")),
    path("", include("lianmeng.proposals.urls_submission")),
]
