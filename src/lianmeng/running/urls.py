from django.urls import path

from . import views, views_changes

app_name = "running"

urlpatterns = [
    path("alliances/<int:pk>/", views.workspace, name="workspace"),
    path("alliances/<int:pk>/edit/", views.particulars_edit, name="particulars_edit"),
    path("alliances/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("alliances/<int:pk>/meetings/<int:mid>/edit/", views.meeting_edit, name="meeting_edit"),
    path("alliances/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("alliances/<int:pk>/documents/<int:did>/", views.document_file, name="document_file"),
    # 变更备案 (M-31)
    path("alliances/changes/", views_changes.change_list, name="change_list"),
    path("alliances/changes/<int:fid>/", views_changes.change_detail, name="change_detail"),
    path("alliances/changes/<int:fid>/act/", views_changes.change_act, name="change_act"),
    path("alliances/changes/<int:fid>/sign/", views_changes.signature_sign, name="change_sign"),
    path("alliances/changes/<int:fid>/paper/", views_changes.signature_paper, name="change_paper"),
    path("alliances/<int:pk>/members/add/", views_changes.member_add, name="member_add"),
    path("alliances/<int:pk>/members/import/", views_changes.member_import, name="member_import"),
    path("alliances/<int:pk>/members/exit/", views_changes.member_exit, name="member_exit"),
    path("alliances/<int:pk>/key-people/", views_changes.key_person, name="key_person_change"),
    path("alliances/<int:pk>/address/", views_changes.address, name="address_change"),
    path("alliances/<int:pk>/renewal/", views_changes.renewal, name="renewal_new"),
]
