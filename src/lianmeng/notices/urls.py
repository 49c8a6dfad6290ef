"""URLs of notices: the public pages under /notices/, the department's under /staff/notices/."""

from django.urls import path

from . import views_public, views_staff

app_name = "notices"

urlpatterns = [
    path("notices/", views_public.announcements, name="list"),
    path("notices/<int:pk>/", views_public.announcement, name="detail"),
    path("notices/<int:pk>/objection/", views_public.objection_new, name="objection_new"),
    path("notices/files/<int:fid>/", views_public.announcement_file, name="file"),
    path("notices/captcha.png", views_public.captcha_image, name="captcha"),
    path("staff/notices/", views_staff.staff_list, name="staff_list"),
    path("staff/notices/new/", views_staff.staff_new, name="staff_new"),
    path("staff/notices/<int:pk>/", views_staff.staff_detail, name="staff_detail"),
    path("staff/notices/<int:pk>/files/", views_staff.staff_upload, name="staff_upload"),
    path(
        "staff/notices/files/<int:fid>/delete/",
        views_staff.staff_file_delete,
        name="staff_file_delete",
    ),
    path("staff/notices/<int:pk>/publish/", views_staff.staff_publish, name="staff_publish"),
    path("staff/notices/<int:pk>/withdraw/", views_staff.staff_withdraw, name="staff_withdraw"),
    path("staff/notices/<int:pk>/effect/", views_staff.staff_take_effect, name="staff_effect"),
    path(
        "staff/notices/<int:pk>/objections/",
        views_staff.staff_objections,
        name="staff_objections",
    ),
    path(
        "staff/notices/objections/<int:oid>/",
        views_staff.staff_objection,
        name="staff_objection",
    ),
]
