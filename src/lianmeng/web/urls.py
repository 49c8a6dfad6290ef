from django.urls import path

from . import views, views_password, views_reading, views_reauth, views_roles, views_two_factor

app_name = "web"

urlpatterns = [
    path("", views.index, name="index"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<slug:profile_id>/", views.policy_detail, name="policy_detail"),
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/login/verify/", views_two_factor.login_verify, name="login_verify"),
    path("accounts/login/enrol/", views_two_factor.login_enrol, name="login_enrol"),
    path("accounts/security/", views_two_factor.account_security, name="account_security"),
    path("accounts/security/enrol/", views_two_factor.account_enrol, name="account_enrol"),
    path(
        "accounts/security/recovery-codes/",
        views_two_factor.account_recovery_renew,
        name="account_recovery_renew",
    ),
    path("accounts/security/remove/", views_two_factor.account_remove, name="account_remove"),
    path("accounts/password/", views_password.password_change, name="password_change"),
    path("accounts/password/reset/", views_password.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views_password.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("accounts/confirm/", views_reauth.confirm, name="reauth"),
    path("home/", views.home, name="home"),
    path("proposals/", views.proposals, name="proposal_list"),
    path("proposals/export.xlsx", views.proposals_xlsx, name="proposal_list_xlsx"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/export.json", views.proposal_export_json, name="proposal_export"),
    path("proposals/<int:pk>/read/", views_reading.proposal_read, name="proposal_read"),
    path(
        "proposals/<int:pk>/read/v<int:number>/",
        views_reading.proposal_read,
        name="proposal_read_version",
    ),
    path(
        "proposals/<int:pk>/read/v<int:number>/pdf",
        views_reading.version_pdf_inline,
        name="proposal_read_pdf",
    ),
    path(
        "proposals/<int:pk>/read/files/<int:mid>",
        views_reading.material_file,
        name="proposal_read_file",
    ),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/verify/", views.audit_verify_view, name="audit_verify"),
    path("admin-users/", views.users, name="user_list"),
    path("security/", views.security_page, name="security"),
    path("security/unlock/<int:pk>/", views.security_unlock, name="security_unlock"),
    path("security/users/", views_roles.accounts, name="role_accounts"),
    path("security/users/<int:pk>/roles/", views_roles.account_roles, name="role_account"),
    path(
        "security/users/<int:pk>/roles/change/",
        views_roles.account_roles_change,
        name="role_account_change",
    ),
    path(
        "security/two-factor/reset/",
        views_two_factor.security_two_factor_reset,
        name="security_two_factor_reset",
    ),
]
