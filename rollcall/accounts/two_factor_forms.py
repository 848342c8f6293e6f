"""The forms of two-factor sign-in, with GOV.UK wording (templates/django/forms/ draws them)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest

from rollcall.accounts import two_factor
from rollcall.accounts.models import User


def _code_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=20,
        error_messages={"required": "Enter the code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "govuk-input--width-10",
            }
        ),
    )


class EnrolForm(forms.Form):
    """The first code from a newly added authenticator app."""

    code = _code_field("Code from your authenticator app", "The 6-digit code your app shows now.")


class CodeForm(forms.Form):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = _code_field(
        "Code",
        "The 6-digit code from your authenticator app, or one of your recovery codes if you do not "
        "have your phone.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device: object | None = None

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        try:
            self.device = two_factor.check_code(self.user, code)
        except two_factor.CodeRefused as refused:
            raise forms.ValidationError(refused.message) from refused
        return code


class ConfirmIdentityForm(forms.Form):
    """Before a bulk download: the password again, and a code when the person has two-factor."""

    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user
        self.device: object | None = None
        if two_factor.has_two_factor(user):
            self.fields["code"] = _code_field(
                "Code", "The 6-digit code from your authenticator app, or one of your recovery codes."
            )

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        # Through django-axes like the sign-in page: wrong passwords here count towards a lockout.
        if authenticate(self.request, username=self.user.get_username(), password=password) is None:
            raise forms.ValidationError("Enter your correct password")
        return password

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if "password" not in self.cleaned_data:
            return code
        try:
            self.device = two_factor.check_code(self.user, code)
        except two_factor.CodeRefused as refused:
            raise forms.ValidationError(refused.message) from refused
        return code
