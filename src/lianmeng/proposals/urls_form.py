"""Editor URLs (urls_form): the 建议书 sections, the eligibility panel and the check page."""

from django.urls import path

from . import views_form

urlpatterns = [
    path("<int:pk>/edit/", views_form.editor_start, name="edit"),
    path("<int:pk>/edit/section/<str:key>/", views_form.section_edit, name="section"),
    path("<int:pk>/edit/check/", views_form.check_page, name="check"),
    path("<int:pk>/edit/check/panel/", views_form.check_panel, name="check_panel"),
]
