from django.urls import path

from . import views

app_name = "running"

urlpatterns = [
    path("alliances/<int:pk>/", views.workspace, name="workspace"),
    path("alliances/<int:pk>/edit/", views.particulars_edit, name="particulars_edit"),
    path("alliances/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("alliances/<int:pk>/meetings/<int:mid>/edit/", views.meeting_edit, name="meeting_edit"),
    path("alliances/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("alliances/<int:pk>/documents/<int:did>/", views.document_file, name="document_file"),
]
