"""Recommendation, acceptance, zone filings and notifications; mounted at the site root."""

from django.urls import path

from . import views, views_exports

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.inbox, name="inbox"),
    path("reviews/bulk/", views.bulk, name="bulk"),
    path("reviews/acceptance/", views.acceptance, name="acceptance"),
    path("reviews/export.xlsx", views_exports.inbox_xlsx, name="inbox_xlsx"),
    path("reviews/acceptance/export.xlsx", views_exports.acceptance_xlsx, name="acceptance_xlsx"),
    path("reviews/recommendations/", views.recommendations, name="recommendations"),
    path(
        "reviews/recommendations/<int:year>.xlsx",
        views.recommendations_xlsx,
        name="recommendations_xlsx",
    ),
    path(
        "reviews/recommendations/<int:year>.pdf",
        views.recommendations_pdf,
        name="recommendations_pdf",
    ),
    path("reviews/zone-filings/", views.zone_filings, name="zone_filings"),
    path("reviews/proposals/<int:pk>/", views.review, name="review"),
    path("reviews/proposals/<int:pk>/transition/", views.transition, name="transition"),
    path("reviews/proposals/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("reviews/proposals/<int:pk>/paper/", views.paper, name="paper"),
    path("reviews/proposals/<int:pk>/letter.pdf", views.letter, name="letter"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/texts/", views.notification_texts, name="notification_texts"),
    path(
        "notifications/texts/<slug:profile>/<str:event>/",
        views.notification_text_edit,
        name="notification_text_edit",
    ),
]
