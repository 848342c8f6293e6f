"""The subject access form: which child, and the council's reference for the request."""

from __future__ import annotations

from typing import Any

from django import forms

from rollcall.people.models import Child


class SubjectAccessForm(forms.Form):
    child = forms.IntegerField(
        label="Child record number",
        min_value=1,
        help_text="The number in the address of the child's page, /children/<number>/",
        widget=forms.TextInput(attrs={"width": "10", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the child record number",
            "invalid": "Child record number must be a whole number, like 42",
            "min_value": "Child record number must be 1 or more",
        },
    )
    reference = forms.CharField(
        label="Request reference (optional)",
        required=False,
        max_length=60,
        help_text="The council's own reference for the request, printed on every page.",
        widget=forms.TextInput(attrs={"width": "20"}),
        error_messages={"max_length": "Request reference must be 60 characters or fewer"},
    )

    def clean_child(self) -> Child:
        number = self.cleaned_data["child"]
        child = Child.objects.filter(pk=number).first()
        if child is None:
            raise forms.ValidationError(f"There is no child record number {number}")
        return child

    def clean(self) -> dict[str, Any]:
        return super().clean() or {}
