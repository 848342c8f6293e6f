from django.urls import path

from rollcall.accounts import lockout_views, oidc, two_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    # Single sign-on with the council's identity provider (rollcall/accounts/oidc.py).
    path("sign-in/council/", oidc.start, name="sso-start"),
    path("sign-in/council/callback/", oidc.callback, name="sso-callback"),
    # Two-factor and lockouts (rollcall/accounts/two_factor*.py, lockout*.py).
    path("two-factor/", two_factor_views.manage, name="two-factor"),
    path("two-factor/set-up/", two_factor_views.enrol, name="two-factor-enrol"),
    path("two-factor/code/", two_factor_views.verify, name="two-factor-verify"),
    path("confirm-it-is-you/", two_factor_views.confirm_identity, name="confirm-identity"),
    path("locked/", lockout_views.lockouts, name="lockouts"),
]
