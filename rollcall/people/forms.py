"""Finding a child: search by UPN, or by last name with an optional date of birth."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from rollcall.forms import DateField
from rollcall.rules.upn import normalise_upn, upn_errors

_CHECK_LETTER = re.compile(r"The check letter is wrong: it should be (?P<letter>\w), not \w")


def upn_error_message(value: str) -> str | None:
    """The GOV.UK error for a UPN that fails the DfE check, or None when it is valid.

    "Enter a valid UPN: the check letter should be H", from the first reason the rule gives.
    """
    errors = upn_errors(value)
    if not errors:
        return None
    first = errors[0]
    match = _CHECK_LETTER.match(first)
    reason = f"the check letter should be {match['letter']}" if match else first[0].lower() + first[1:]
    return f"Enter a valid UPN: {reason}"


class ChildSearchForm(forms.Form):
    """Search over the children the user may see; one of UPN or last name is needed."""

    upn = forms.CharField(
        label="UPN",
        required=False,
        max_length=20,
        help_text="The 13-character unique pupil number, for example A940200126001",
        widget=forms.TextInput(attrs={"width": "20", "spellcheck": "false", "autocomplete": "off"}),
    )
    surname = forms.CharField(
        label="Last name",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"width": "20", "spellcheck": "false", "autocomplete": "off"}),
    )
    date_of_birth = DateField(
        label="Date of birth",
        required=False,
        past_only=True,
        help_text="Optional, with a last name. For example, 27 3 2015",
    )

    def clean_upn(self) -> str:
        value = normalise_upn(self.cleaned_data.get("upn") or "")
        if value:
            message = upn_error_message(value)
            if message:
                raise forms.ValidationError(message)
        return value

    def clean_surname(self) -> str:
        return " ".join(str(self.cleaned_data.get("surname") or "").split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("upn") and not cleaned.get("surname"):
            if cleaned.get("date_of_birth"):
                self.add_error("surname", "Enter the child's last name to search with a date of birth")
            else:
                self.add_error("upn", "Enter a UPN or a last name")
        return cleaned
