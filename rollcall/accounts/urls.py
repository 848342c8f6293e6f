from django.urls import path

from rollcall.accounts import oidc, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    # Single sign-on with the council's identity provider (rollcall/accounts/oidc.py).
    path("sign-in/council/", oidc.start, name="sso-start"),
    path("sign-in/council/callback/", oidc.callback, name="sso-callback"),
]
