from django.urls import path

from . import views, views_exports

app_name = "experts"

urlpatterns = [
    path("staff/reviews/", views.round_list, name="round_list"),
    path("staff/reviews/new/", views.round_create, name="round_create"),
    path("staff/reviews/<int:pk>/", views.round_detail, name="round_detail"),
    path("staff/reviews/<int:pk>/add/", views.round_add, name="round_add"),
    path("staff/reviews/<int:pk>/auto/", views.round_auto, name="round_auto"),
    path("staff/reviews/<int:pk>/manual/", views.round_manual, name="round_manual"),
    path(
        "staff/reviews/<int:pk>/assignments/<int:assignment_id>/remove/",
        views.assignment_remove,
        name="assignment_remove",
    ),
    path("staff/reviews/<int:pk>/close/", views.round_close, name="round_close"),
    path("staff/reviews/<int:pk>/results/", views.round_results_view, name="round_results"),
    path("staff/reviews/<int:pk>/results.xlsx", views.round_results_xlsx, name="round_xlsx"),
    path("staff/reviews/export.xlsx", views_exports.rounds_xlsx, name="round_list_xlsx"),
    path("staff/experts/", views.pool, name="pool"),
    path("staff/experts/export.xlsx", views_exports.pool_xlsx, name="pool_xlsx"),
    path("staff/experts/<int:user_id>/", views.pool_edit, name="pool_edit"),
    path("experts/assignments/", views.inbox, name="inbox"),
    path("experts/assignments/<int:pk>/", views.score_form, name="score_form"),
    path("experts/assignments/<int:pk>/conflict/", views.declare_conflict, name="declare_conflict"),
    path("experts/profile/", views.my_profile, name="my_profile"),
]
