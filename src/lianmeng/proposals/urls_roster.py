"""Editor URLs (urls_roster): the roster, section 三, member confirmation, materials, writeups."""

from django.urls import path

from . import views_materials, views_roster, views_writeups

urlpatterns: list = [
    path("confirmations/", views_roster.confirmations_page, name="confirmations"),
    path(
        "confirmations/<int:pk>/confirm/",
        views_roster.member_confirm_view,
        name="member_confirm",
    ),
    path("<int:pk>/edit/members/", views_roster.roster_page, name="roster"),
    path("<int:pk>/edit/members/add/", views_roster.member_add_page, name="member_add"),
    path(
        "<int:pk>/edit/members/<int:index>/edit/",
        views_roster.member_edit_page,
        name="member_edit",
    ),
    path(
        "<int:pk>/edit/members/<int:index>/remove/",
        views_roster.member_remove_view,
        name="member_remove",
    ),
    path(
        "<int:pk>/edit/members/<int:index>/move/",
        views_roster.member_move_view,
        name="member_move",
    ),
    path("<int:pk>/edit/members/import/", views_roster.roster_import_view, name="roster_import"),
    path("<int:pk>/edit/members/export/", views_roster.roster_export_view, name="roster_export"),
    path(
        "<int:pk>/edit/members/template/",
        views_roster.roster_template_view,
        name="roster_template",
    ),
    path("<int:pk>/edit/main-members/", views_roster.main_members_page, name="main_members"),
    path("<int:pk>/edit/materials/", views_materials.materials_page, name="materials"),
    path(
        "<int:pk>/edit/materials/<int:mid>/remove/",
        views_materials.material_remove_view,
        name="material_remove",
    ),
    path(
        "<int:pk>/materials/<int:mid>/",
        views_materials.material_download,
        name="material_download",
    ),
    path(
        "<int:pk>/edit/writeups/agreement/docx",
        views_writeups.agreement_docx_view,
        name="agreement_docx",
    ),
    path(
        "<int:pk>/edit/writeups/<slug:part>/",
        views_writeups.writeups_page,
        name="writeups",
    ),
]
