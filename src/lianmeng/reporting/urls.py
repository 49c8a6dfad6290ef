from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("alliances/<int:pk>/reports/", views.alliance_reports, name="alliance_reports"),
    path("alliances/<int:pk>/reports/new/", views.report_new, name="report_new"),
    path("reports/<int:rid>/", views.report_detail, name="report_detail"),
    path("reports/<int:rid>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:rid>/files/", views.report_upload, name="report_upload"),
    path("reports/<int:rid>/files/<int:fid>/", views.report_file, name="report_file"),
    path(
        "reports/<int:rid>/transitions/<str:name>/",
        views.report_transition,
        name="report_transition",
    ),
    path("staff/reports/", views.inbox, name="inbox"),
    path("staff/reports/export.xlsx", views.inbox_xlsx, name="inbox_xlsx"),
]
