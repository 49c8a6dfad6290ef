"""URLs of insight (urls_dashboard): the department dashboard and the lists behind its bars."""

from django.urls import path

from . import views_dashboard

urlpatterns: list = [
    path("staff/insight/", views_dashboard.dashboard_page, name="dashboard"),
    path("staff/insight/refresh/", views_dashboard.dashboard_refresh, name="dashboard_refresh"),
    path("staff/insight/dashboard.xlsx", views_dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("staff/insight/alliances/", views_dashboard.alliances, name="alliances"),
    path("staff/insight/proposals/", views_dashboard.proposals, name="proposals"),
]
