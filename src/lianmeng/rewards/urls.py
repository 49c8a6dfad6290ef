from django.urls import path

from . import views_claims, views_exports, views_ledger

app_name = "rewards"

urlpatterns = [
    # claims: the lead unit files, the department reviews and decides, experts score (views_claims)
    path("rewards/", views_claims.claims, name="claims"),
    path("rewards/new/", views_claims.claim_new, name="claim_new"),
    path("rewards/calculator/", views_claims.calculator, name="calculator"),
    path("rewards/claims/<int:pk>/", views_claims.claim, name="claim"),
    path("rewards/claims/<int:pk>/save/", views_claims.claim_save, name="claim_save"),
    path("rewards/claims/<int:pk>/upload/", views_claims.claim_upload, name="claim_upload"),
    path("rewards/claims/<int:pk>/submit/", views_claims.claim_submit, name="claim_submit"),
    path("rewards/claims/<int:pk>/withdraw/", views_claims.claim_withdraw, name="claim_withdraw"),
    path("rewards/claims/<int:pk>/return/", views_claims.claim_return, name="claim_return"),
    path(
        "rewards/claims/<int:pk>/reviewers/", views_claims.claim_reviewers, name="claim_reviewers"
    ),
    path("rewards/claims/<int:pk>/decide/", views_claims.award_stage, name="award_stage"),
    path("rewards/files/<int:fid>/", views_claims.claim_file, name="claim_file"),
    path(
        "rewards/files/<int:fid>/delete/", views_claims.claim_file_delete, name="claim_file_delete"
    ),
    path("rewards/reviews/<int:rid>/", views_claims.review_save, name="review_save"),
    path("rewards/awards/<int:aid>/unstage/", views_claims.award_unstage, name="award_unstage"),
    # the department's decisions, budgets and ledger (views_ledger)
    path("staff/rewards/batches/", views_ledger.batches, name="batches"),
    path("staff/rewards/batches/<int:pk>/", views_ledger.batch, name="batch"),
    path(
        "staff/rewards/batches/<int:pk>/publish/", views_ledger.batch_publish, name="batch_publish"
    ),
    path("staff/rewards/budgets/", views_ledger.budgets, name="budgets"),
    path("staff/rewards/ledger/", views_ledger.ledger, name="ledger"),
    path(
        "staff/rewards/instalments/<int:iid>/pay/",
        views_ledger.payment_record,
        name="payment_record",
    ),
    path("staff/rewards/alliances/<int:aid>/facts/", views_ledger.facts, name="facts"),
    path("notices/rewards/", views_ledger.public_batches, name="public_batches"),
    path("notices/rewards/<int:pk>/", views_ledger.public_batch, name="public_batch"),
    # printable and spreadsheet forms (views_exports)
    path("staff/rewards/ledger.xlsx", views_exports.ledger_xlsx, name="ledger_xlsx"),
    path("staff/rewards/ledger.pdf", views_exports.ledger_pdf, name="ledger_pdf"),
    path("staff/rewards/budgets.xlsx", views_exports.budgets_xlsx, name="budgets_xlsx"),
    path("staff/rewards/budgets.pdf", views_exports.budgets_pdf, name="budgets_pdf"),
    path("notices/rewards/<int:pk>/decision.pdf", views_exports.batch_pdf, name="batch_pdf"),
]
