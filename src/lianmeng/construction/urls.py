from django.urls import path

from . import views

app_name = "construction"

urlpatterns = [
    path("construction/", views.department_list, name="list"),
    path("construction/tasks/", views.expert_inbox, name="expert_inbox"),
    path("construction/alliances/<int:pk>/", views.detail, name="detail"),
    path("construction/alliances/<int:pk>/checklist/", views.item_edit, name="item"),
    path("construction/alliances/<int:pk>/file/", views.file_download, name="file"),
    path("construction/alliances/<int:pk>/apply/", views.apply, name="apply"),
    path("construction/alliances/<int:pk>/experts/", views.assign, name="assign"),
    path("construction/alliances/<int:pk>/experts/auto/", views.assign_auto, name="assign_auto"),
    path("construction/alliances/<int:pk>/experts/remove/", views.unassign, name="unassign"),
    path("construction/alliances/<int:pk>/close/", views.close, name="close"),
    path("construction/alliances/<int:pk>/decide/", views.decide, name="decide"),
    path("construction/alliances/<int:pk>/score/", views.score, name="score"),
    path("construction/alliances/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
]
