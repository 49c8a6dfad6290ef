"""URLs of projects: the department's solicitations (/staff/projects/) and the lead unit's
proposals (/projects/)."""

from django.urls import path

from . import views_lead, views_staff

app_name = "projects"

urlpatterns = [
    # the department (views_staff)
    path("staff/projects/", views_staff.solicitations, name="solicitations"),
    path("staff/projects/new/", views_staff.solicitation_new, name="solicitation_new"),
    path("staff/projects/<int:pk>/", views_staff.solicitation, name="solicitation"),
    path("staff/projects/<int:pk>/edit/", views_staff.solicitation_edit, name="solicitation_edit"),
    path("staff/projects/<int:pk>/open/", views_staff.solicitation_open, name="solicitation_open"),
    path(
        "staff/projects/<int:pk>/close/", views_staff.solicitation_close, name="solicitation_close"
    ),
    path(
        "staff/projects/<int:pk>/proposals.xlsx",
        views_staff.solicitation_xlsx,
        name="solicitation_xlsx",
    ),
    path(
        "projects/proposals/<int:pk>/return/", views_staff.proposal_return, name="proposal_return"
    ),
    path("projects/proposals/<int:pk>/score/", views_staff.proposal_score, name="proposal_score"),
    # the lead unit (views_lead)
    path("projects/", views_lead.home, name="home"),
    path("projects/solicitations/<int:pk>/new/", views_lead.proposal_new, name="proposal_new"),
    path("projects/proposals/<int:pk>/", views_lead.proposal, name="proposal"),
    path("projects/proposals/<int:pk>/save/", views_lead.proposal_save, name="proposal_save"),
    path("projects/proposals/<int:pk>/submit/", views_lead.proposal_submit, name="proposal_submit"),
    path(
        "projects/proposals/<int:pk>/withdraw/",
        views_lead.proposal_withdraw,
        name="proposal_withdraw",
    ),
    path("projects/proposals/<int:pk>/proposal.pdf", views_lead.proposal_pdf, name="proposal_pdf"),
]
