from django.urls import path

from . import views

app_name = "alliances"

urlpatterns = [
    path("registry/", views.registry, name="registry"),
    path("registry/<int:pk>/", views.registry_detail, name="registry_detail"),
    path("registry/<int:pk>/plaque.pdf", views.registry_plaque, name="registry_plaque"),
    path("staff/decisions/", views.decisions, name="decisions"),
    path("staff/decisions/stage/", views.decision_stage, name="decision_stage"),
    path("staff/decisions/publish/", views.decisions_publish, name="decisions_publish"),
    path("staff/decisions/<int:pk>/unstage/", views.decision_unstage, name="decision_unstage"),
]
