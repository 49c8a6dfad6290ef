"""URLs of whatif: the department's policy what-if drafts (B-6)."""

from django.urls import path

from . import views

app_name = "whatif"

urlpatterns = [
    path("staff/whatif/", views.drafts, name="drafts"),
    path("staff/whatif/<int:pk>/", views.draft, name="draft"),
    path("staff/whatif/<int:pk>/delete/", views.draft_delete, name="draft_delete"),
    path("staff/whatif/<int:pk>/comparison.xlsx", views.draft_xlsx, name="draft_xlsx"),
    path("staff/whatif/<int:pk>/overrides.toml", views.draft_toml, name="draft_toml"),
]
