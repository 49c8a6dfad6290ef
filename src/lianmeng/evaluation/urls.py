from django.urls import path

from . import views_exports, views_parties, views_staff

app_name = "evaluation"

urlpatterns = [
    # the organising department and the departments below (views_staff)
    path("staff/evaluations/", views_staff.campaigns, name="campaigns"),
    path("staff/evaluations/new/", views_staff.campaign_new, name="campaign_new"),
    path("staff/evaluations/<int:pk>/", views_staff.campaign, name="campaign"),
    path(
        "staff/evaluations/<int:pk>/advance/", views_staff.campaign_advance, name="campaign_advance"
    ),
    path(
        "staff/evaluations/<int:pk>/evaluators/",
        views_staff.campaign_evaluators,
        name="campaign_evaluators",
    ),
    path("staff/evaluations/<int:pk>/objections/", views_staff.objections, name="objections"),
    path(
        "staff/evaluations/objections/<int:oid>/handle/",
        views_staff.objection_handle,
        name="objection_handle",
    ),
    path("evaluations/<int:pk>/", views_staff.evaluation, name="evaluation"),
    path("evaluations/<int:pk>/adjust/", views_staff.evaluation_adjust, name="evaluation_adjust"),
    path("staff/preferential/", views_staff.preferential, name="preferential"),
    path("rectifications/", views_staff.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views_staff.rectification, name="rectification"),
    path(
        "rectifications/<int:pk>/submit/",
        views_staff.rectification_submit,
        name="rectification_submit",
    ),
    path("rectifications/<int:pk>/recheck/", views_staff.recheck, name="recheck"),
    # the lead unit, the evaluators and the public (views_parties)
    path("my/evaluations/", views_parties.mine, name="mine"),
    path("evaluations/<int:pk>/self/", views_parties.self_edit, name="self_edit"),
    path("evaluator/tasks/", views_parties.tasks, name="tasks"),
    path("evaluator/tasks/<int:pk>/", views_parties.score, name="score"),
    path("notices/evaluations/", views_parties.notices, name="notices"),
    path("notices/evaluations/<int:pk>/", views_parties.notice, name="notice"),
    path(
        "notices/evaluations/<int:pk>/objection/<int:eid>/",
        views_parties.objection_new,
        name="objection_new",
    ),
    # exports (views_exports)
    path(
        "staff/evaluations/<int:pk>/results.xlsx", views_exports.results_xlsx, name="results_xlsx"
    ),
    path(
        "evaluations/campaigns/<int:pk>/results.pdf", views_exports.results_pdf, name="results_pdf"
    ),
    path("staff/evaluations/<int:pk>/scores.xlsx", views_exports.scores_xlsx, name="scores_xlsx"),
    path("evaluations/<int:pk>/scores.pdf", views_exports.score_sheet_pdf, name="score_sheet_pdf"),
    path("rectifications/<int:pk>/warning.pdf", views_exports.warning_pdf, name="warning_pdf"),
]
