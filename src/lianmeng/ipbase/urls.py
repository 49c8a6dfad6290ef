"""URLs of ipbase: the public base (lists, details, exports, templates) and the lead unit's
forms (report a patent or a standard, edit it, import a workbook)."""

from django.urls import path

from . import views, views_report

app_name = "ipbase"

urlpatterns = [
    # the public base (views)
    path("ip/patents/", views.patents, name="patents"),
    path("ip/patents.xlsx", views.patents_xlsx, name="patents_xlsx"),
    path("ip/patents/<int:pk>/", views.patent, name="patent"),
    path("ip/standards/", views.standards, name="standards"),
    path("ip/standards.xlsx", views.standards_xlsx, name="standards_xlsx"),
    path("ip/standards/<int:pk>/", views.standard, name="standard"),
    path("ip/alliances/<int:pk>/", views.alliance, name="alliance"),
    path("ip/templates/patents.xlsx", views.patents_template, name="patents_template"),
    path("ip/templates/standards.xlsx", views.standards_template, name="standards_template"),
    # reporting (views_report): the lead unit's applicants
    path("ip/alliances/<int:pk>/patents/new/", views_report.patent_new, name="patent_new"),
    path("ip/alliances/<int:pk>/standards/new/", views_report.standard_new, name="standard_new"),
    path("ip/alliances/<int:pk>/import/", views_report.import_view, name="import"),
    path("ip/patents/<int:pk>/edit/", views_report.patent_edit, name="patent_edit"),
    path("ip/standards/<int:pk>/edit/", views_report.standard_edit, name="standard_edit"),
]
