"""Call pages: public list and detail, staff management (mounted at the site root).

``calls:apply`` (``calls/<pk>/apply/``) is in this namespace too, but opens a proposal: it is the
proposals app's (:mod:`lianmeng.proposals.urls_apply`), joined to these in ``config.urls``.
"""

from django.urls import path

from . import views

app_name = "calls"
urlpatterns = [
    path("calls/", views.call_list, name="list"),
    path("calls/<int:pk>/", views.call_detail, name="detail"),
    path("staff/calls/", views.staff_list, name="staff_list"),
    path("staff/calls/new/", views.staff_create, name="staff_create"),
    path("staff/calls/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/calls/<int:pk>/publish/", views.staff_publish, name="staff_publish"),
]
