"""``/healthz`` and ``/readyz`` (lianmeng.web.health); HealthCheckMiddleware answers them
before the other middleware, these routes are the same views behind the full stack."""

from django.urls import path

from . import health

app_name = "health"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
