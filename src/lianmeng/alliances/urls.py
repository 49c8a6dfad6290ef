from django.urls import path

from . import views, views_documents

app_name = "alliances"

urlpatterns = [
    path("registry/", views.registry, name="registry"),
    path("registry/export.xlsx", views_documents.registry_xlsx, name="registry_xlsx"),
    path("registry/<int:pk>/", views.registry_detail, name="registry_detail"),
    path(
        "registry/decisions/<int:pk>/document.pdf",
        views_documents.decision_pdf,
        name="decision_pdf",
    ),
    path(
        "registry/decisions/verify/<str:code>/",
        views_documents.decision_verify,
        name="decision_verify",
    ),
    path("registry/<int:pk>/plaque.pdf", views.registry_plaque, name="registry_plaque"),
    path(
        "registry/<int:pk>/transitions/<str:name>/",
        views.registry_transition,
        name="registry_transition",
    ),
    path(
        "registry/<int:pk>/revocation-notice.pdf",
        views.revocation_notice_pdf,
        name="revocation_notice_pdf",
    ),
    path(
        "registry/<int:pk>/evidence/<int:did>/",
        views.revocation_evidence,
        name="revocation_evidence",
    ),
    path("staff/decisions/", views.decisions, name="decisions"),
    path("staff/decisions/stage/", views.decision_stage, name="decision_stage"),
    path("staff/decisions/publish/", views.decisions_publish, name="decisions_publish"),
    path("staff/decisions/notice/", views.decisions_notice, name="decisions_notice"),
    path("staff/decisions/<int:pk>/unstage/", views.decision_unstage, name="decision_unstage"),
]
