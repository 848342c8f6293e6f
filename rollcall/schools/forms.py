"""Finding a school in the register."""

from __future__ import annotations

from django import forms


class SchoolSearchForm(forms.Form):
    """Filter a list by name, URN or UPN (the portal's pupil list and the council's school list)."""

    q = forms.CharField(
        label="Search", required=False, max_length=100, widget=forms.TextInput(attrs={"width": "20"})
    )
