"""A URLconf with one view that declares no access, to prove deny by default."""

from django.http import HttpResponse
from django.urls import include, path


def undeclared(request):
    return HttpResponse("秘密内容")


urlpatterns = [
    path("undeclared/", undeclared, name="undeclared"),
    path("", include("lianmeng.config.urls")),
]
