"""The product's URLs plus ``/bench-bare/``: a Django view that does nothing (national_bench's
throughput reference). Used only through tests/bench/bare_settings.py."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from lianmeng.config.urls import handler403, handler404, handler500
from lianmeng.config.urls import urlpatterns as product
from lianmeng.core.access import public

BARE_PATH = "/bench-bare/"


@public
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BARE_PATH.strip("/") + "/", bare), *product]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
